import { TextInput } from '@mantine/core';
import { Limits } from '../../shared/schemas.js';

/**
 * An event's name and date, as the new-event and edit-event forms both ask for them; `errors`
 * are shown once the form was submitted.
 */
export function EventNameDateFields({
  name,
  date,
  onName,
  onDate,
  errors,
  namePlaceholder,
}: {
  name: string;
  date: string;
  onName: (name: string) => void;
  onDate: (date: string) => void;
  errors: { name: string | null | false | undefined; date: string | null | false | undefined };
  namePlaceholder?: string;
}) {
  return (
    <>
      <TextInput
        label="Name"
        name="name"
        required
        maxLength={Limits.eventNameMax + 50}
        placeholder={namePlaceholder}
        value={name}
        onChange={(e) => onName(e.currentTarget.value)}
        error={errors.name}
        autoComplete="off"
        data-autofocus
      />
      <TextInput
        label="Date"
        name="date"
        type="date"
        required
        value={date}
        onChange={(e) => onDate(e.currentTarget.value)}
        error={errors.date}
      />
    </>
  );
}
