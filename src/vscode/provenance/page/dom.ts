/// <reference lib="dom" />
/**
 * A tiny element builder for the Provenance page. Every string becomes a Text node or an
 * attribute value, never markup: instructions, file names and findings come from models and
 * workspaces and must not be able to inject anything: nothing in the page parses strings as HTML.
 */

export type Child = Node | string | number | null | undefined | false | Child[];

export interface Attrs {
  class?: string;
  title?: string;
  /** Set through CSSOM (allowed by the CSP, unlike a style attribute). */
  style?: Partial<Record<'left' | 'width' | 'paddingLeft', string>>;
  data?: Record<string, string>;
  aria?: Record<string, string>;
  role?: string;
  type?: string;
  open?: boolean;
  tabIndex?: number;
  onClick?: () => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    if (attrs.class) el.className = attrs.class;
    if (attrs.title) el.title = attrs.title;
    if (attrs.role) el.setAttribute('role', attrs.role);
    if (attrs.type) el.setAttribute('type', attrs.type);
    if (attrs.tabIndex !== undefined) el.tabIndex = attrs.tabIndex;
    if (attrs.open && el instanceof HTMLDetailsElement) el.open = true;
    for (const [k, v] of Object.entries(attrs.data ?? {})) el.dataset[k] = v;
    for (const [k, v] of Object.entries(attrs.aria ?? {})) el.setAttribute(`aria-${k}`, v);
    for (const [k, v] of Object.entries(attrs.style ?? {})) if (v !== undefined) el.style[k as 'left'] = v;
    const onClick = attrs.onClick;
    if (onClick) el.addEventListener('click', () => onClick());
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (typeof c === 'string' || typeof c === 'number') parent.appendChild(document.createTextNode(String(c)));
    else parent.appendChild(c);
  }
}

/** A codicon from @vscode/codicons (its stylesheet is loaded by the page shell). */
export function icon(name: string, label?: string): HTMLSpanElement {
  const el = h('span', { class: `codicon codicon-${name}` });
  if (label) {
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
  } else {
    el.setAttribute('aria-hidden', 'true');
  }
  return el;
}

export function button(label: Child, title: string, onClick: () => void, cls = 'link'): HTMLButtonElement {
  return h('button', { type: 'button', class: cls, title, onClick: () => onClick() }, label);
}

export function badge(text: string, tone: string, title?: string): HTMLSpanElement {
  return h('span', { class: `badge tone-${tone}`, title }, text);
}

/**
 * A collapsible section whose body is built the first time it opens, so a run with hundreds of
 * findings costs one summary line per group until someone looks inside. `key` is what the page
 * remembers across hide and show.
 */
export function lazyDetails(
  key: string,
  summary: Child[],
  body: () => Child[],
  opts: { open: boolean; onToggle: (key: string, open: boolean) => void; cls?: string },
): HTMLDetailsElement {
  const details = h('details', { class: opts.cls ?? 'section', data: { key } }, h('summary', null, ...summary));
  let built = false;
  const build = () => {
    if (built) return;
    built = true;
    const content = h('div', { class: 'body' });
    append(content, body());
    details.appendChild(content);
  };
  if (opts.open) {
    build();
    details.open = true;
  }
  details.addEventListener('toggle', () => {
    if (details.open) build();
    opts.onToggle(key, details.open);
  });
  return details;
}
