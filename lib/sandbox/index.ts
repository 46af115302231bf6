export { startSandbox, type Sandbox, type SandboxOptions, type SandboxState, type ComplaintNotification, type RequestLogEntry } from "./server";
export { ensureDemoKeys, loadSandboxConfig, DEMO_APP_ID, type DemoKeys, type SandboxConfig } from "./config";
export { FAULT_KINDS, type FaultKind, type FaultRule, type FaultRuleInput } from "./faults";
export { MODEL_VERSION, DRIFT_MODEL_VERSION } from "./model";
