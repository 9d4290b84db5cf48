/**
 * Link previewers and link scanners: programs that fetch a URL on their own when someone shares
 * or receives it (chat and social apps unfurling a link, search engines, mail link checks). A
 * `GET /redeem` from one of them never redeems (docs/api.md, "Abuse limits").
 *
 * A short, named deny-list on purpose. General bot detectors (`isbot` and the like) also flag
 * curl, Wget, python-requests, node, axios, okhttp, Go-http-client and HeadlessChrome: the door
 * scanners, turnstiles and scripts that must keep redeeming. Each entry names one product, matches
 * only its own agents, and is tested with its examples (test/previews.test.ts), along with the
 * clients that must never match. Mail scanners that pose as a desktop browser are caught by what
 * they ask for instead (an HTML page, which only offers a button).
 */
export interface Previewer {
  /** Who fetches, as an operator reading a log would recognise it. */
  name: string;
  /** Matches its user agents, case-insensitively, and nothing a scanner, script or browser sends. */
  pattern: RegExp;
  /** User agents it really sends; the tests send each one. */
  examples: readonly string[];
}

export const previewers: readonly Previewer[] = [
  {
    name: 'Slack',
    pattern: /Slackbot|Slack-ImgProxy/,
    examples: [
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'Slackbot 1.0 (+https://api.slack.com/robots)',
      'Slack-ImgProxy (+https://api.slack.com/robots)',
    ],
  },
  {
    name: 'Facebook, Messenger, Instagram',
    pattern: /facebookexternalhit|Facebot|meta-externalagent|meta-externalfetcher/,
    examples: [
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'Mozilla/5.0 (compatible; Facebot/1.0; +https://developers.facebook.com/docs/sharing/webmasters/crawler)',
      'meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)',
    ],
  },
  { name: 'WhatsApp', pattern: /^WhatsApp\//, examples: ['WhatsApp/2.23.20.0 A', 'WhatsApp/2.2407.3 i'] },
  { name: 'X (Twitter)', pattern: /Twitterbot/, examples: ['Twitterbot/1.0'] },
  { name: 'Telegram', pattern: /TelegramBot/, examples: ['TelegramBot (like TwitterBot)'] },
  {
    name: 'Discord',
    pattern: /Discordbot/,
    examples: ['Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)'],
  },
  {
    name: 'LinkedIn',
    pattern: /LinkedInBot/,
    examples: ['LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)'],
  },
  {
    name: 'Skype, Microsoft Teams',
    pattern: /SkypeUriPreview/,
    examples: ['Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com'],
  },
  {
    name: 'Google (search, Gmail image proxy)',
    pattern: /Googlebot|AdsBot-Google|Google-InspectionTool|GoogleOther|GoogleImageProxy|FeedFetcher-Google/,
    examples: [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
    ],
  },
  {
    name: 'Bing, Outlook on the web previews',
    pattern: /bingbot|BingPreview|adidxbot/,
    examples: [
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 BingPreview/1.0b',
    ],
  },
  {
    name: 'Apple (Siri, Spotlight, Messages previews)',
    pattern: /Applebot/,
    examples: [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
    ],
  },
  {
    name: 'Outlook, Microsoft Office link checks',
    pattern: /ms-office|Microsoft Office|Microsoft Outlook|MSOffice/,
    examples: [
      'Mozilla/4.0 (compatible; ms-office; MSOffice 16)',
      'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)',
      'Microsoft Office Existence Discovery',
    ],
  },
  {
    name: 'Pinterest',
    pattern: /Pinterestbot|Pinterest\/0\./,
    examples: ['Pinterest/0.2 (+https://www.pinterest.com/bot.html)'],
  },
  {
    name: 'Reddit',
    pattern: /redditbot/,
    examples: ['Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)'],
  },
  {
    name: 'Mastodon and other fediverse servers',
    pattern: /Mastodon\/|Akkoma|Pleroma/,
    examples: ['http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)'],
  },
  {
    name: 'Embed services (Embedly, Iframely)',
    pattern: /Embedly|Iframely/,
    examples: [
      'Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)',
      'Iframely/1.3.1 (+https://iframely.com/docs/about)',
    ],
  },
  {
    name: 'Snapchat',
    pattern: /Snap URL Preview Service/,
    examples: ['Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots)'],
  },
];

const anyPreviewer = new RegExp(previewers.map((p) => `(?:${p.pattern.source})`).join('|'), 'i');
const eachPreviewer = previewers.map((p) => ({ previewer: p, pattern: new RegExp(p.pattern.source, 'i') }));

/** The previewer a user agent belongs to, or null for any other client. */
export function findPreviewer(userAgent: string | undefined): Previewer | null {
  if (!userAgent || !anyPreviewer.test(userAgent)) return null;
  return eachPreviewer.find((p) => p.pattern.test(userAgent))?.previewer ?? null;
}
