import type { FakeState } from '../state.ts';

/** One Bot API method: validates its parameters like Telegram, changes the state, returns `result`. */
export type MethodHandler = (
  params: Record<string, unknown>,
  state: FakeState,
  signal: AbortSignal,
) => unknown | Promise<unknown>;
