import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The page shell of the Provenance view. Everything it loads comes from the extension's own
 * media/ folder through `webview.asWebviewUri`; the CSP allows nothing else: no inline style,
 * no remote resource, and only the one script that carries this load's nonce.
 */

/** Files under media/ that the page loads; the build must put them there (scripts/build-provenance.mjs). */
export const PAGE_ASSETS = {
  script: ['media', 'provenance', 'page.js'],
  style: ['media', 'provenance', 'page.css'],
  codicons: ['media', 'codicons', 'codicon.css'],
} as const;

export function mediaRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'media');
}

export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const uri = (parts: readonly string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  const csp = contentSecurityPolicy(webview.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${uri(PAGE_ASSETS.codicons)}" rel="stylesheet" id="vscode-codicon-stylesheet">
<link href="${uri(PAGE_ASSETS.style)}" rel="stylesheet">
<title>Provenance</title>
</head>
<body>
<main id="root"><p class="notice" role="status">Loading provenance…</p></main>
<script nonce="${nonce}" src="${uri(PAGE_ASSETS.script)}"></script>
</body>
</html>`;
}

/** Nothing by default; styles, fonts and images only from the extension; the one nonced script. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}
