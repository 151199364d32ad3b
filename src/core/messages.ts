/** A value quoted in a message, cut to a readable length: a 100 kB bad value is not echoed whole. */
export function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
