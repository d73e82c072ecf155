/** Scenario-driven traffic generation. */
export { ScenarioError, parseScenario, loadScenario, scenarioFromObject, BREAK_KINDS, DEFAULT_EPOCH_NS, type Scenario, type Flow, type FlowTemplate, type Variation, type BreakKind } from './scenario.js';
export { generateTraffic, writeTraffic, flowComment, type TrafficOptions, type TrafficPacket, type TrafficSummary } from './generate.js';
export { Rng } from './random.js';
export { PatchableTemplate } from './patch.js';
