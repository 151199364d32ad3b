/**
 * The configuration being edited, as runes: the text in each field, the last valid value, and a
 * message per bad field. Valid values are mirrored into the URL hash (a shareable link) and into
 * localStorage (the last session resumes).
 */
import { setPresentationTheme } from '../theme';
import {
  CONTROLS,
  defaultConfig,
  parseSetting,
  settingText,
  type Control,
  type PlaygroundConfig,
  type SettingName,
  type SettingValue,
} from '../../core/settings/controls';
import { decodeHash, encodeHash } from '../../core/settings/url-hash';
import { runConfigProblems } from '../../core/settings/run-options';

const LAST_SESSION = 'dpo-playground:last-config';

/** Each field's text: the value as the form (and a link) writes it. */
function rawOf(config: PlaygroundConfig): Record<SettingName, string> {
  return Object.fromEntries(CONTROLS.map((c) => [c.name, settingText(c, config[c.name])])) as Record<SettingName, string>;
}

class ConfigState {
  values = $state<PlaygroundConfig>(defaultConfig());
  raw = $state<Record<SettingName, string>>(rawOf(defaultConfig()));
  problems = $state<Partial<Record<SettingName, string>>>({});
  hidden = $state<SettingName[]>([]);
  lesson = $state<string | null>(null);
  /** The presentation view (present=1 in the link): light, large, charts and gallery only. */
  present = $state(false);
  /** Messages about a link that could not be read in full. */
  linkProblems = $state<string[]>([]);

  /** Problems across fields (e.g. the human judge offline); empty when a run can start. */
  readonly crossProblems = $derived(Object.keys(this.problems).length > 0 ? [] : runConfigProblems(this.values));
  readonly valid = $derived(Object.keys(this.problems).length === 0 && this.crossProblems.length === 0);

  /** Read the address (a shared link) or, without one, the last session. */
  load(hash: string): void {
    const fromLink = hash.replace(/^#/, '') !== '';
    let source = hash;
    if (!fromLink) source = localStorage.getItem(LAST_SESSION) ?? '';
    const decoded = decodeHash(source);
    this.replace(decoded.config);
    this.hidden = decoded.hidden;
    this.lesson = decoded.lesson ?? null;
    this.setPresent(decoded.present, false);
    this.linkProblems = fromLink ? decoded.problems : [];
    this.persist();
  }

  replace(config: PlaygroundConfig): void {
    this.values = { ...config };
    this.raw = rawOf(config);
    this.problems = {};
  }

  /** Open a lesson (its settings, every control shown) or, with null, leave lessons. */
  openLesson(lesson: { id: string; config: PlaygroundConfig } | null): void {
    if (lesson) this.replace(lesson.config);
    this.lesson = lesson?.id ?? null;
    this.hidden = [];
    this.persist();
  }

  /** Show the controls a lesson link hid. */
  showAllControls(): void {
    this.hidden = [];
    this.persist();
  }

  dismissLinkProblems(): void {
    this.linkProblems = [];
  }

  /** A field changed: keep the text, take the value only if it is valid. */
  set(control: Control & { name: SettingName }, raw: string): void {
    const { name } = control;
    this.raw[name] = raw;
    const read = parseSetting(control, raw);
    if (read.problem !== undefined) {
      this.problems[name] = read.problem;
      return;
    }
    delete this.problems[name];
    // Set in place, so only what reads this setting updates (the value was read for this control).
    const values: Record<SettingName, SettingValue> = this.values;
    values[name] = read.value;
    this.persist();
  }

  link(hidden: readonly SettingName[] = this.hidden, present = this.present): string {
    return encodeHash(this.values, hidden, this.lesson ?? undefined, present);
  }

  /** Enter or leave the presentation view; the page's root carries it as a class, so the theme applies before anything draws. */
  setPresent(on: boolean, persist = true): void {
    this.present = on;
    setPresentationTheme(on);
    if (persist) this.persist();
  }

  persist(): void {
    const hash = this.link();
    history.replaceState(null, '', hash);
    localStorage.setItem(LAST_SESSION, hash);
  }
}

export const configState = new ConfigState();
