/** Declared flows: the calls an application makes, from a flows file or Otterize ClientIntents. */
export type { Flow, FlowSource, FlowStep, FlowTarget } from './types.ts';
export { parseFlowSource, parseFlowTarget, readFlowsFile } from './_parse.ts';
export { flowsFromClientIntents } from './_intents.ts';
