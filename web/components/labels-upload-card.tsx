import { Alert, Button, Card, FileButton, Group, List, Stack, Text, Title } from '@mantine/core';
import { IconFileUpload } from '@tabler/icons-react';
import type { LabelImportSummary } from '../../shared/controls.js';
import { ControlLimits } from '../../shared/controls.js';
import { ErrorCode } from '../../shared/error-codes.js';
import { describeError } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import { useUploadLabels } from '../queries/controls.js';

/** The bad rows of a refused upload, as the API lists them. */
function badRowsOf(error: unknown): { rows: { line: number; message: string }[]; total: number } | null {
  if (!(error instanceof ApiError) || error.code !== ErrorCode.validationFailed) return null;
  const errors = (error.problem.errors ?? []) as { field: string; line?: number; message: string }[];
  const rows = errors.filter((e) => typeof e.line === 'number') as { line: number; message: string }[];
  if (rows.length === 0) return null;
  return { rows, total: Number(error.problem.badRows) || rows.length };
}

function summary(result: LabelImportSummary): string {
  const parts = [`${result.labelled.toLocaleString()} labelled`];
  if (result.cleared > 0) parts.push(`${result.cleared.toLocaleString()} cleared`);
  return `${result.rows.toLocaleString()} ${result.rows === 1 ? 'row' : 'rows'} read: ${parts.join(', ')}.`;
}

/** Label many tickets at once from a CSV of ticket_id,label, with the report of what happened. */
export function LabelsUploadCard({ eventId }: { eventId: string }) {
  const upload = useUploadLabels(eventId);
  const bad = badRowsOf(upload.error);

  return (
    <Card withBorder radius="lg" padding="md" mb="md" component="section" aria-labelledby="labels-upload-title">
      <Stack gap="sm">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <div style={{ flex: '1 1 240px' }}>
            <Title order={2} size="h4" id="labels-upload-title">
              Label tickets from a CSV
            </Title>
            <Text size="sm" c="dimmed">
              Rows of <code>ticket_id,label</code> (a guest’s name, a seat). Every row is checked first: one wrong row
              and nothing changes. Up to {ControlLimits.labelsCsvMaxRows.toLocaleString()} rows.
            </Text>
          </div>
          <FileButton onChange={(file) => file && upload.mutate(file)} accept=".csv,text/csv">
            {(props) => (
              <Button
                {...props}
                variant="default"
                leftSection={<IconFileUpload size={16} aria-hidden />}
                loading={upload.isPending}
              >
                Upload labels (CSV)
              </Button>
            )}
          </FileButton>
        </Group>
        {upload.isSuccess && (
          <Alert color="green.9" variant="light" role="status" title="Labels saved">
            {summary(upload.data)}
          </Alert>
        )}
        {upload.isError && bad && (
          <Alert color="red" variant="light" role="alert" title="Nothing was changed">
            <Text size="sm" mb="xs">
              {bad.total === 1 ? '1 row is' : `${bad.total.toLocaleString()} rows are`} wrong. Fix{' '}
              {bad.total === 1 ? 'it' : 'them'} and upload the file again.
            </Text>
            <List size="sm" spacing={2} data-testid="labels-bad-rows">
              {bad.rows.map((row) => (
                <List.Item key={`${row.line}:${row.message}`}>
                  Line {row.line}: {row.message}
                </List.Item>
              ))}
            </List>
            {bad.total > bad.rows.length && (
              <Text size="sm" mt="xs">
                …and {(bad.total - bad.rows.length).toLocaleString()} more.
              </Text>
            )}
          </Alert>
        )}
        {upload.isError && !bad && (
          <Alert color="red" variant="light" role="alert" title="Nothing was changed">
            {describeError(upload.error)}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
