/**
 * One worker thread of `npm run fuzz` (scripts/fuzz.ts): runs the manifest fuzzer with the options it was given,
 * writes the first index of the batch it is checking into the shared `progress` slot before each batch (the main
 * thread's watchdog reads it), posts each failure as it is found (the main thread writes it to the results file at
 * once, so a run stopped early keeps what it found) and the report when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fuzzManifests, type FuzzOptions } from './_manifest-fuzzer.ts';

interface CampaignWorkerData {
  readonly options: Omit<FuzzOptions, 'onInput' | 'onFailure'>;
  /** [batch start index, inputs started] for this worker. */
  readonly progress: Int32Array;
}

const { options, progress } = workerData as CampaignWorkerData;
parentPort!.postMessage({ type: 'ready' });
const report = await fuzzManifests({
  ...options,
  onInput: (index) => {
    Atomics.store(progress, 0, index);
  },
  onFailure: (failure) => parentPort!.postMessage({ type: 'failure', failure }),
});
parentPort!.postMessage({ type: 'report', report });
