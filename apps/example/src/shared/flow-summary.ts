/** One answer of a completed Flow, readable: `appointment_date` → `Appointment date`. */
export interface FlowField {
  label: string;
  value: string;
}

const label = (key: string): string => {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0]?.toUpperCase() + words.slice(1) : key;
};

function readable(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(readable).join(', ');
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${label(k)}: ${readable(v)}`)
    .join('; ');
}

/** The fields a Flow returned, in the order it sent them, each with a label and a readable value. */
export function flowSummary(response: Record<string, unknown>): FlowField[] {
  return Object.entries(response).map(([key, value]) => ({ label: label(key), value: readable(value) }));
}
