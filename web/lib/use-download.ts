import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { ErrorCode } from '../../shared/error-codes.js';
import { describeError, hasCode } from '../api/errors.js';
import { downloadChecked } from './download.js';

/**
 * Downloads whose answer is checked before anything is saved (see downloadChecked), with the URL
 * being fetched for a loading state and a notice when it fails. An expired session says nothing
 * here: the user is already on the way to login, and back.
 */
export function useDownload() {
  const [pending, setPending] = useState<string | null>(null);
  const download = async (url: string) => {
    setPending(url);
    try {
      await downloadChecked(url);
    } catch (error) {
      if (!hasCode(error, ErrorCode.unauthorized)) {
        notifications.show({ color: 'red', title: 'Download failed', message: describeError(error) });
      }
    } finally {
      setPending(null);
    }
  };
  return { download, pending };
}
