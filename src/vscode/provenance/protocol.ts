/**
 * The one message protocol of the Provenance view, imported by the extension side
 * (src/vscode/provenance/panel.ts) and by the page script (src/vscode/provenance/page/*.ts).
 * It holds types and plain constants only: the page bundle is built for the browser, so nothing
 * here may import Node or 'vscode' at run time.
 *
 * The host does all the thinking (grouping, formatting, timeline geometry) in viewModel.ts, so the
 * page only turns a ready-made view model into DOM, and a test can assert on exactly what the page
 * was sent.
 */

/* ---------- view model: what the page draws ---------- */

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

export interface StatsVM {
  totalRuns: number;
  byStatus: CountRow[];
  /** "7 of 9 (78%)" or "no runs yet". */
  firstAttemptPass: string;
  repairSuccess: string;
  repairTokens: string;
  /** "mean 0.22 · worst 0.41 over 3 patches" or "no applied patch". */
  appliedRisk: string;
  findingsByCategory: CountRow[];
}

export interface TimelineEntryVM {
  /** Stable within a run, used for keys. */
  key: string;
  kind: 'phase' | 'gate' | 'review' | 'decision';
  label: string;
  /** Extra words: "3 findings", "skipped: no tsconfig", "by vscode:ana". */
  detail: string;
  durationLabel: string;
  /** Geometry of the bar in percent of the run's duration; absent for events outside it. */
  bar?: { offsetPct: number; widthPct: number };
  /** 'ok' | 'fail' colour the bar; undefined is neutral. */
  outcome?: 'ok' | 'fail' | 'skipped';
  /** Nesting: gates sit under their validation phase. */
  depth: 0 | 1;
}

export interface ModelCallVM {
  key: string;
  phase: string;
  attempt: number;
  provider: string;
  model: string;
  tokensIn: string;
  tokensOut: string;
  /** "read 1.2k / write 300". */
  cache: string;
  duration: string;
  retries: number;
  stopReason: string;
  error?: string;
}

export interface FindingVM {
  key: string;
  /** "src/a.ts:3:7". */
  location: string;
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  tool: string;
  code: string;
  message: string;
  introduced: boolean;
  blocking: boolean;
  /** The attempt whose candidate the finding's line numbers refer to. */
  attempt?: number;
}

export interface FindingGroupVM {
  category: string;
  label: string;
  count: number;
  blocking: number;
  findings: FindingVM[];
}

export interface FindingSetVM {
  total: number;
  blocking: number;
  groups: FindingGroupVM[];
}

export interface AttemptVM {
  index: number;
  phase: 'generate' | 'repair';
  title: string;
  /** "3 blocking in, 0 out, succeeded, 1.2k tokens". */
  summary: string;
  success: boolean;
  edits: { label: string; ok: boolean; error?: string }[];
  /**
   * For a repair: the attempt whose findings this one was given (its `after` is this one's
   * "before"). An index, not a copy, so a run with hundreds of findings is not sent twice.
   */
  beforeAttempt?: number;
  after: FindingSetVM;
}

export interface RiskFactorVM {
  label: string;
  contribution: string;
  detail: string;
}

export interface PatchVM {
  id: string;
  file: string;
  status: string;
  valid: boolean;
  beforeSha: { short: string; full: string };
  afterSha: { short: string; full: string };
  linesAdded: number;
  linesRemoved: number;
  riskScore: string;
  riskLevel: 'low' | 'medium' | 'high';
  riskFactors: RiskFactorVM[];
  matchKinds: string[];
  hunks: number;
  /** "Tests run 1 of 2 changed lines (not run: line 21)", where coverage was measured. */
  coverage?: string;
}

export interface DecisionVM {
  key: string;
  time: string;
  timeIso: string;
  decision: string;
  actor: string;
  /** "p1, p2" or "p1 (hunks h3)". */
  target: string;
  detail?: string;
}

export interface RunVM {
  runId: string;
  createdAt: string;
  /** How the run ended, as recorded ("proposed", "no_valid_patch"...). */
  status: string;
  /** What it amounts to now, from its patches' decisions (runState.ts): "applied", "rolled_back"... */
  state: string;
  /** The badge: the state's label ("Rejected", "Partly applied"). */
  statusLabel: string;
  /** Whether the run is the one picked in the approval tree (else it is the latest). */
  pinned: boolean;
  error?: string;
  instruction: string;
  targets: string[];
  preset: string;
  provider: string;
  duration: string;
  totals: { calls: number; tokensIn: string; tokensOut: string; cache: string };
  timeline: TimelineEntryVM[];
  modelCalls: ModelCallVM[];
  attempts: AttemptVM[];
  patches: PatchVM[];
  decisions: DecisionVM[];
}

export interface PanelVM {
  stats: StatsVM | null;
  run: RunVM | null;
  /** Shown instead of the run when there is none or the store could not be read. */
  notice?: string;
}

/* ---------- messages ---------- */

export type PageSection = 'stats' | 'run';

/** `focus` opens a section and scrolls it into view after drawing ("Show Statistics"). */
export type HostToPage = { type: 'render'; model: PanelVM; focus?: PageSection };

/** Toolbar buttons map to palette commands; the host owns their ids. */
export const PAGE_COMMANDS = ['listRuns', 'showStatistics', 'exportProvenance', 'verifyProvenance', 'refresh'] as const;
export type PageCommand = (typeof PAGE_COMMANDS)[number];

export type PageToHost =
  | { type: 'ready' }
  | { type: 'openPatch'; runId: string; patchId: string }
  /** `runId` and `attempt` name the candidate the line is in; without them, the file as it is. */
  | { type: 'openFinding'; file: string; line: number; column: number; runId?: string; attempt?: number }
  | { type: 'command'; command: PageCommand };

/** What the page keeps across hide and show (vscode.getState/setState). */
export interface PageState {
  model?: PanelVM;
  /** Keys of the <details> elements the reader opened. */
  open: string[];
  /** Keys the reader closed, so a section open by default stays closed for them. */
  closed: string[];
  scrollY: number;
}

/** Runtime guard for messages from the page: a webview is a separate, untrusted process. */
export function isPageToHost(value: unknown): value is PageToHost {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'openPatch':
      return typeof m.runId === 'string' && typeof m.patchId === 'string';
    case 'openFinding':
      return (
        typeof m.file === 'string' &&
        Number.isInteger(m.line) &&
        Number.isInteger(m.column) &&
        (m.runId === undefined || typeof m.runId === 'string') &&
        (m.attempt === undefined || (Number.isInteger(m.attempt) && (m.attempt as number) >= 1)) &&
        (m.runId === undefined) === (m.attempt === undefined)
      );
    case 'command':
      return typeof m.command === 'string' && (PAGE_COMMANDS as readonly string[]).includes(m.command);
    default:
      return false;
  }
}
