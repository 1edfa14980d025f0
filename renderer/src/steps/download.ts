/** Files the renderer hands to the browser's own download (Review's .rsc, Done's bundle in browser mode). */

/** "acme-dental-2026-12-07": a site name and a date as a file name (ASCII, no path characters). */
export function fileStem(site: string, date: Date): string {
  const day = date.toISOString().slice(0, 10);
  const name = site
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${name || 'fspbx-nat'}-${day}`;
}

/** Starts a download of `href` under `name` (the browser asks where, or puts it in Downloads). */
export function download(href: string, name: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

export function saveText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  download(url, name);
  // The click has handed the blob to the download; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
