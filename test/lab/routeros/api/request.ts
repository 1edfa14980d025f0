/** Splits an API sentence into its command, attribute words, API attributes and query words. */

export interface ApiRequest {
  command: string;
  /** `=name=value` words in order (`.id`, `numbers`, `.proplist` included). */
  params: [string, string][];
  tag: string | undefined;
  queries: string[];
}

export function parseRequest(words: readonly string[]): ApiRequest {
  const [command = '', ...rest] = words;
  const params: [string, string][] = [];
  const queries: string[] = [];
  let tag: string | undefined;
  for (const word of rest) {
    if (word.startsWith('=')) {
      const eq = word.indexOf('=', 1);
      if (eq === -1) params.push([word.slice(1), '']);
      else params.push([word.slice(1, eq), word.slice(eq + 1)]);
    } else if (word.startsWith('?')) {
      queries.push(word);
    } else if (word.startsWith('.tag=')) {
      tag = word.slice('.tag='.length);
    }
    // Other API attributes are ignored, as RouterOS does.
  }
  return { command, params, tag, queries };
}

/** Takes the named parameter out of the list (last one wins) and returns its value. */
export function takeParam(params: [string, string][], ...names: string[]): string | undefined {
  let value: string | undefined;
  for (let i = params.length - 1; i >= 0; i--) {
    const [name, v] = params[i]!;
    if (names.includes(name)) {
      value ??= v;
      params.splice(i, 1);
    }
  }
  return value;
}
