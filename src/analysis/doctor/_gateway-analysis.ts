import type { ClusterModel } from '../../model/types.ts';
import { analyzeGateways, type GatewayAnalysis } from '../gateway/index.ts';

const analyses = new WeakMap<ClusterModel, GatewayAnalysis>();

/** The Gateway API analysis of `model`, run once per model and shared by every doctor rule that reads it. */
export function gatewayAnalysisOf(model: ClusterModel): GatewayAnalysis {
  let analysis = analyses.get(model);
  if (!analysis) analyses.set(model, (analysis = analyzeGateways(model)));
  return analysis;
}
