/**
 * Objects kubetwin does not model but that change connectivity or routing (`trafficKinds` in the catalogue), and
 * fields below `modeled` in the objects an answer rests on: which of them could change one answer.
 */
export {
  describeObject,
  namingRequest,
  touchingConnection,
  unknownSentence,
  unmodeledObjects,
  type RequestNames,
  type UnmodeledObject,
} from './_objects.ts';
export {
  meshRouteUnknowns,
  routeUnknowns,
  unmodeledFieldNotes,
  unmodeledRouteObjects,
  type RouteAnswer,
} from './_route-notes.ts';
export {
  ipBlockPodWarnings,
  matrixUnknown,
  matrixUnknownWarning,
  type MatrixShape,
  type MatrixUnknown,
} from './_matrix.ts';
export {
  answerTargets,
  attachedPolicyUnknowns,
  attachmentTargets,
  selectedTargets,
} from './_policy-attachment.ts';
