import type { ReactNode } from 'react';

/** An IPv4 address, range or address:port, as one piece of text. */
const ADDRESS = /(\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?::\d{1,5}(?:-\d{1,5})?)?)/;

/**
 * Text with every address in it kept on one line (`.addr`: white-space nowrap):
 * "to-addresses=127.149.88.10" must never break into "127.149.88.1" / "0".
 */
export function withAddresses(text: string): ReactNode[] {
  return text.split(ADDRESS).map((part, i) =>
    i % 2 === 1 ? (
      <span key={i} className="addr">
        {part}
      </span>
    ) : (
      part
    ),
  );
}
