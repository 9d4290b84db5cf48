import { Box, Button, Menu, Text, VisuallyHidden } from '@mantine/core';
import { IconCheck, IconChevronDown, IconFileSpreadsheet, IconFileTypePdf } from '@tabler/icons-react';
import { ticketsCsvUrl, ticketsPdfUrl } from '../../api/events.js';
import { pdfLayoutChoices } from '../../lib/pdf-layout.js';
import { usePdfLayout } from '../../lib/use-pdf-layout.js';

interface Props {
  eventId: string;
  download: (url: string) => void;
  /** The URL being checked, for a loading state. */
  pending: string | null;
}

/**
 * "More downloads" ("Downloads" on a phone): the unredeemed tickets as CSV or a PDF to print, and
 * every ticket as CSV or PDF, with the PDF's paper (remembered for every PDF button of the app). On a
 * wider screen the unredeemed CSV has its own button too.
 */
export function DownloadsMenu({ eventId, download, pending }: Props) {
  const [layout, setLayout] = usePdfLayout();
  const items = [
    // The page's own button says this beside the menu; on a phone the menu is the only way.
    { label: 'Unredeemed tickets (CSV)', url: ticketsCsvUrl(eventId, { status: 'ok' }), pdf: false },
    { label: 'Unredeemed tickets (PDF)', url: ticketsPdfUrl(eventId, { status: 'ok', layout }), pdf: true },
    { label: 'All tickets (PDF)', url: ticketsPdfUrl(eventId, { status: 'all', layout }), pdf: true },
    { label: 'All tickets (CSV)', url: ticketsCsvUrl(eventId, { status: 'all' }), pdf: false },
  ];
  const busy = items.some((item) => item.url === pending);

  return (
    // No focus placeholder: a role=presentation child of role=menu fails axe's aria-required-children.
    <Menu position="bottom-end" width={260} withArrow withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <Button variant="default" rightSection={<IconChevronDown size={16} aria-hidden />} loading={busy}>
          <Box component="span" visibleFrom="xs">
            More downloads
          </Box>
          <Box component="span" hiddenFrom="xs">
            Downloads
          </Box>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Tickets</Menu.Label>
        {items.map((item) => (
          <Menu.Item
            key={item.url}
            leftSection={
              item.pdf ? <IconFileTypePdf size={16} aria-hidden /> : <IconFileSpreadsheet size={16} aria-hidden />
            }
            onClick={() => download(item.url)}
          >
            {item.label}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Label>PDF paper</Menu.Label>
        {pdfLayoutChoices.map((choice) => (
          <Menu.Item
            key={choice.value}
            closeMenuOnClick={false}
            onClick={() => setLayout(choice.value)}
            leftSection={
              <IconCheck size={16} aria-hidden style={{ visibility: choice.value === layout ? 'visible' : 'hidden' }} />
            }
          >
            <Text size="sm">
              {choice.label}
              {choice.value === layout && <VisuallyHidden> (chosen)</VisuallyHidden>}
            </Text>
            <Text size="xs" c="dimmed">
              {choice.description}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
