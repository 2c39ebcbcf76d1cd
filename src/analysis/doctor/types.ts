import type { Severity, SourceRef } from '../../model/diagnostic.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { CertTable } from '../tls/index.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { FlowTrace } from '../trace/index.ts';

/** An object a finding is about, with where it is written. */
export interface FindingObject {
  readonly key: string;
  readonly source?: SourceRef;
}

/**
 * A misconfiguration: stable `code`, what is wrong (`message`), what it breaks, and the fix — with a YAML
 * patch where the fix is clear. `objects[0]` is the primary location (SARIF points code scanning there).
 */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly objects: readonly FindingObject[];
  readonly breaks: string;
  readonly fix: string;
  readonly patch?: string;
}

/** What every rule may read. Rules are pure functions of it. */
export interface DoctorContext {
  readonly model: ClusterModel;
  /** Parsed TLS Secrets (`namespace/name` → certificate or parse error), from an I/O adapter. */
  readonly certificates?: CertTable;
  /** ISO time certificates are judged at (the caller's clock; the core reads none). */
  readonly now?: string;
  /** The compiled NetworkPolicy engine, for rules that need verdicts. */
  readonly engine?: PolicyEngine;
  /** Declared flows, traced, for `flow-blocked`. */
  readonly flowTraces?: readonly FlowTrace[];
  /** The builder's diagnostics, for the input mistakes the doctor reports too. */
  readonly diagnostics?: readonly Diagnostic[];
}

/** One check of the doctor. `code` is stable; the doc page `docs/doctor.md` lists every rule. */
export interface DoctorRule {
  readonly code: string;
  readonly severity: Severity;
  /** One line for the docs: what the rule looks for. */
  readonly summary: string;
  /** The finding codes it emits when not just `code` (stable too). */
  readonly emits?: readonly string[];
  /** Fixture name under testdata/doctor when several rules share a code (default: the code). */
  readonly fixture?: string;
  check(ctx: DoctorContext): Finding[];
  /**
   * The rule reports traffic the NetworkPolicies deny. Under an unknown CNI (`cni.name: unknown`) that holds only
   * if the CNI enforces them, and each finding's `breaks` says so (`runDoctor`).
   */
  readonly reportsPolicyDenial?: boolean;
  /**
   * For rules that report one finding per workload with one fix for many (a patch per namespace): one finding
   * standing for several of this rule's findings that share their fix and patch, naming every one of them
   * (`objects[0]`: the first one's location). Text and report tables show it instead of the findings (`groupFindings`); JSON and
   * SARIF, and `doctor --all`, keep each finding. Called with at least two findings.
   */
  summarize?(findings: readonly Finding[]): Finding;
}
