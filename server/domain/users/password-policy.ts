import { AppError } from '../../errors.js';

let common: Promise<ReadonlySet<string>> | undefined;

/**
 * The 49,233 most common passwords (lowercase), as bundled in the `@zxcvbn-ts/language-common`
 * npm package (MIT, the list zxcvbn-ts ranks guesses by): read from the installed package, never
 * fetched. Loaded on first use, so a server that never registers anyone pays nothing.
 */
function commonPasswords(): Promise<ReadonlySet<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common']));
  return common;
}

// Spaces, control and format characters alone are no password (eight spaces used to be one).
const VISIBLE = /[^\s\p{Cc}\p{Cf}]/u;

/**
 * Checks a password chosen at registration (login never applies it: an old password keeps
 * working): it holds a visible character, and it is not a common password in any letter case,
 * spaces ignored. Refusals are 400 `validation_failed` naming `password`.
 */
export async function assertAcceptablePassword(password: string): Promise<void> {
  const refuse = (message: string) => AppError.validation([{ field: 'password', message }]);
  if (!VISIBLE.test(password)) throw refuse('must contain characters other than spaces');
  const folded = password.normalize('NFKC').toLowerCase();
  const list = await commonPasswords();
  if (list.has(folded) || list.has(folded.replace(/\s+/gu, ''))) {
    throw refuse('is one of the most common passwords, the first an attacker tries: choose another');
  }
}
