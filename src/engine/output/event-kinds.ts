/** Named members of the RunEvent union, for functions that take one kind. */
import type { RunEvent } from '../run/events.js';

export type EventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;
export type HostResultEvent = EventOf<'host_result'>;
export type TaskStartEvent = EventOf<'task_start'>;
