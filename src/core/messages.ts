/**
 * Characters a message cannot show as themselves: controls, format characters (a soft hyphen, a
 * zero-width space, direction marks), separators other than the plain space, unassigned and private
 * code points. In "he\u00adart" the soft hyphen is invisible, so quoting the text as typed would show
 * "heart" and hide why it was refused.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]|(?! )\p{Zs}/gu;

/** Text with each invisible character written as an escape (\u00ad, \t, \n), so a message shows it. */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    const code = ch.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A value quoted in a message, cut to a readable length (a 100 kB bad value is not echoed whole),
 * its invisible characters escaped so the text shown is the text that was refused.
 */
export function shorten(text: string, max = 40): string {
  return showInvisible(text.length > max ? `${text.slice(0, max)}...` : text);
}
