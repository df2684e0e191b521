// One structured logger: a JSON line per event with identifiers only (never rows or file contents).
import type { Logger } from '../core/ports';

export function jsonLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => console.log(l)): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ level, message, time: new Date().toISOString(), ...base, ...fields }));
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
