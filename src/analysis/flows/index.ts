/** Declared flows: the calls an application makes, from a flows file or Otterize ClientIntents. */
export type { Flow, FlowSource, FlowStep, FlowTarget } from './types.ts';
export { parseFlowSource, parseFlowTarget, readFlowsFile } from './_parse.ts';
export { flowsFromClientIntents } from './_intents.ts';
export type { Confidence, Evidence } from './types.ts';
export { discoverFlows, type Discovery } from './_discover.ts';
export { sourceText, targetText } from './_format.ts';
export { serviceNamed } from './_config.ts';
