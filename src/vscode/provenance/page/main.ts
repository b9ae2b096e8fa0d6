/// <reference lib="dom" />
import type { HostToPage, PageSection, PageState, PageToHost, PanelVM } from '../protocol';
import { h, icon } from './dom';
import { attemptsSection, decisionsSection, modelCallsSection, patchesSection, runHeader, timelineSection, type Ctx } from './runSections';
import { statsSection } from './statsSection';

/**
 * The Provenance page: draws what the host sends and sends back clicks. The page is destroyed
 * whenever the view is hidden, so what the reader had open and how far they had scrolled live in
 * `vscode.setState`, and the last model is kept there too so the page paints at once on show.
 */

interface VsCodeApi {
  postMessage(message: PageToHost): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
const saved = vscode.getState();
const state: PageState = { open: saved?.open ?? [], closed: saved?.closed ?? [], scrollY: saved?.scrollY ?? 0, model: saved?.model };
const open = new Set(state.open);
const closed = new Set(state.closed);

function save(): void {
  vscode.setState({ ...state, open: [...open], closed: [...closed] });
}

const ctx: Ctx = {
  isOpen: (key, byDefault = false) => open.has(key) || (byDefault && !closed.has(key)),
  onToggle: (key, isOpen) => {
    if (isOpen) {
      open.add(key);
      closed.delete(key);
    } else {
      open.delete(key);
      closed.add(key);
    }
    save();
  },
  post: (message) => vscode.postMessage(message),
};

function render(model: PanelVM, focus?: PageSection): void {
  const parts: Node[] = [];
  if (model.notice) parts.push(h('p', { class: 'notice', role: 'status' }, icon('info'), ' ', model.notice));
  if (model.stats) parts.push(statsSection(model.stats, ctx));
  if (model.run) {
    const run = model.run;
    parts.push(
      h(
        'div',
        { class: 'run', data: { section: 'run' } },
        runHeader(run, ctx),
        timelineSection(run, ctx),
        patchesSection(run, ctx),
        attemptsSection(run, ctx),
        modelCallsSection(run, ctx),
        decisionsSection(run, ctx),
      ),
    );
  }
  root.replaceChildren(...parts);
  if (focus) bringIntoView(focus);
}

function bringIntoView(section: PageSection): void {
  const target =
    section === 'stats'
      ? root.querySelector<HTMLDetailsElement>('details[data-key="stats"]')
      : root.querySelector<HTMLElement>('[data-section="run"]');
  if (!target) return;
  if (target instanceof HTMLDetailsElement && !target.open) target.open = true;
  target.scrollIntoView({ block: 'start' });
  (target.querySelector('summary') ?? target).focus({ preventScroll: true });
}

window.addEventListener('message', (event: MessageEvent<HostToPage>) => {
  const message = event.data;
  if (message?.type !== 'render') return;
  state.model = message.model;
  const y = window.scrollY;
  render(message.model, message.focus);
  // A refresh of the same view must not jump the reader back to the top.
  if (!message.focus) window.scrollTo(0, y);
  save();
});

let scrollQueued = false;
window.addEventListener('scroll', () => {
  if (scrollQueued) return;
  scrollQueued = true;
  requestAnimationFrame(() => {
    scrollQueued = false;
    state.scrollY = window.scrollY;
    save();
  });
});

// Paint what we had before the view was hidden, then ask for what is current.
if (state.model) {
  render(state.model);
  window.scrollTo(0, state.scrollY);
}
vscode.postMessage({ type: 'ready' });
