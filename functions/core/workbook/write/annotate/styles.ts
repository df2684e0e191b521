// Styles: what the marks and the list need, appended to the clerk's tables
// (Styles counts them and numbers ours, StylesEdit writes them into
// styles.xml), or a fresh style sheet.
import { XML_DECL } from '../../xlsx';
import type { ZipEntry } from '../../zip';
import { mainNs, nameIds, type PartEditor, type PartHandler } from './editor';
import { CopyRefused, type Original } from './package';
import type { Mark } from './sheet';

export const ERROR_STYLE = { fill: 'FFFFC7CE', font: 'FF9C0006' } as const;
export const WARNING_STYLE = { fill: 'FFFFEB9C', font: 'FF9C5700' } as const;

const STYLE_NAMES = ['styleSheet', 'fonts', 'font', 'fills', 'fill', 'cellXfs', 'xf'] as const;
const T = nameIds(STYLE_NAMES);
const HEADER_FILL = 'FFDDEBF7';
/** fonts we add: bold (the list's header), link, error, warning */
const OUR_FONTS = ['<b/><sz val="11"/>', '<u/><sz val="11"/><color rgb="FF0563C1"/>', `<sz val="11"/><color rgb="${ERROR_STYLE.font}"/>`, `<sz val="11"/><color rgb="${WARNING_STYLE.font}"/>`];
/** fills we add: error, warning, the list's header */
const OUR_FILLS = [ERROR_STYLE.fill, WARNING_STYLE.fill, HEADER_FILL];
const LIST_XFS = 5; // header, error, warning, wrapped text, link

/** An xf of the clerk's as written, less its fill: clones differ from it in their fill alone. */
interface XfTemplate {
  head: string;
  /** its children and end tag; undefined for an empty element */
  body?: string;
}

const DEFAULT_XF: XfTemplate = { head: '<xf numFmtId="0" fontId="0" borderId="0" xfId="0"' };

export class Styles {
  /** what the clerk's tables hold (a fresh style sheet: its one font and xf) */
  fonts = 1;
  fills = 0;
  xfs = 1;
  /** the clones of the clerk's xfs that marked cells get, in order: index xfs + LIST_XFS + i */
  readonly clones: { xf: number; severity: Mark['severity'] }[] = [];
  private readonly cloneIds = new Map<string, number>();

  static async survey(pkg: Original, e: ZipEntry | undefined): Promise<Styles> {
    const s = new Styles();
    if (!e) return s;
    const count = { fonts: 0, fills: 0, xfs: 0 };
    const seen = new Set<number>();
    await pkg.scan(e, [...STYLE_NAMES], {
      open: (x, name) => {
        if (x.depth === 2) seen.add(name);
        if (x.depth !== 3) return;
        const parent = x.ancestor(1);
        if (name === T.font && parent === T.fonts) count.fonts++;
        else if (name === T.fill && parent === T.fills) count.fills++;
        else if (name === T.xf && parent === T.cellXfs) count.xfs++;
      },
    });
    if (![T.fonts, T.fills, T.cellXfs].every((n) => seen.has(n)) || count.fonts === 0 || count.xfs === 0) throw new CopyRefused(`${e.name} lacks fonts, fills or cell formats`);
    Object.assign(s, count);
    return s;
  }

  get fillBase(): number {
    return Math.max(2, this.fills);
  }

  /** 0 header, 1 error, 2 warning, 3 wrapped text, 4 link */
  listXf(k: number): number {
    return this.xfs + k;
  }

  /** The style of a marked cell whose own is xf: a clone of it with the severity's fill. */
  markXf(xf: number, severity: Mark['severity']): number {
    const source = xf < this.xfs ? xf : 0;
    const key = `${source}:${severity}`;
    let id = this.cloneIds.get(key);
    if (id === undefined) {
      id = this.xfs + LIST_XFS + this.clones.length;
      this.clones.push({ xf: source, severity });
      this.cloneIds.set(key, id);
    }
    return id;
  }

  fontsXml(p: string): string {
    return OUR_FONTS.map((f) => `<${p}font>${f.replace(/<(\/?)(\w)/g, `<$1${p}$2`)}</${p}font>`).join('');
  }

  fillsXml(p: string): string {
    const pad = ['none', 'gray125'].slice(this.fills).map((t) => `<${p}fill><${p}patternFill patternType="${t}"/></${p}fill>`);
    const ours = OUR_FILLS.map((rgb) => `<${p}fill><${p}patternFill patternType="solid"><${p}fgColor rgb="${rgb}"/><${p}bgColor indexed="64"/></${p}patternFill></${p}fill>`);
    return [...pad, ...ours].join('');
  }

  xfsXml(p: string, templates: ReadonlyMap<number, XfTemplate>): string {
    const font = (k: number) => this.fonts + k;
    const fill = (k: number) => this.fillBase + k;
    const xf = (attrs: string, body = '') => `<${p}xf numFmtId="0" borderId="0" xfId="0" ${attrs}${body ? `>${body}</${p}xf>` : '/>'}`;
    const list = [
      xf(`fontId="${font(0)}" fillId="${fill(2)}" applyFont="1" applyFill="1"`),
      xf(`fontId="${font(2)}" fillId="${fill(0)}" applyFont="1" applyFill="1"`),
      xf(`fontId="${font(3)}" fillId="${fill(1)}" applyFont="1" applyFill="1"`),
      xf('fontId="0" fillId="0" applyAlignment="1"', `<${p}alignment vertical="top" wrapText="1"/>`),
      xf(`fontId="${font(1)}" fillId="0" applyFont="1"`),
    ];
    const clones = this.clones.map(({ xf: source, severity }) => {
      const t = templates.get(source) ?? DEFAULT_XF;
      const attrs = ` fillId="${fill(severity === 'error' ? 0 : 1)}" applyFill="1"`;
      return `${t.head}${attrs}${t.body === undefined ? '/>' : `>${t.body}`}`;
    });
    return [...list, ...clones].join('');
  }

  get counts(): { fonts: number; fills: number; xfs: number } {
    return { fonts: this.fonts + OUR_FONTS.length, fills: this.fillBase + OUR_FILLS.length, xfs: this.xfs + LIST_XFS + this.clones.length };
  }
}

/** styles.xml with our fonts, fills and xfs appended (their counts updated) and the clones of the marked cells' xfs. */
export class StylesEdit implements PartHandler {
  readonly names = STYLE_NAMES;
  private p = '';
  private xf = -1;
  private readonly wanted: Set<number>;
  private readonly templates = new Map<number, XfTemplate>();
  private capture: { index: number; head: string; empty: boolean; body: string[] } | undefined;

  constructor(private readonly s: Styles) {
    this.wanted = new Set(s.clones.map((c) => c.xf));
  }

  open(ed: PartEditor, name: number, ns: number): void {
    const x = ed.x;
    const d = x.depth;
    if (this.capture) {
      if (d > 3) this.capture.body.push(ed.rawTag());
      return;
    }
    if (d === 1) {
      if (name !== T.styleSheet || !mainNs(ns)) x.fail('the part is not a style sheet');
      this.p = ed.prefix();
    } else if (d === 2 && (name === T.fonts || name === T.fills || name === T.cellXfs)) {
      const counts = this.s.counts;
      if (x.attrIndex('count') >= 0) ed.setAttr('count', String(name === T.fonts ? counts.fonts : name === T.fills ? counts.fills : counts.xfs));
      if (ed.selfClosing()) ed.edit(ed.tagEnd() - 2, ed.tagEnd(), `>${this.additions(name)}</${ed.prefix()}${STYLE_NAMES[name - 1]}>`);
    } else if (d === 3 && name === T.xf && x.ancestor(1) === T.cellXfs && this.wanted.has(++this.xf)) {
      let head = `<${ed.prefix()}xf`;
      for (let i = 0; i < x.attrCount; i++) {
        const attr = ed.rawAttr(i);
        if (!/^(?:fillId|applyFill)\s*=/.test(attr)) head += ` ${attr}`;
      }
      this.capture = { index: this.xf, head, empty: ed.selfClosing(), body: [] };
    }
  }

  close(ed: PartEditor, name: number): void {
    const d = ed.x.depth;
    const c = this.capture;
    if (c) {
      if (d > 3 && ed.isEndTag()) c.body.push(ed.rawTag());
      if (d === 3) {
        this.templates.set(c.index, { head: c.head, body: c.empty ? undefined : c.body.join('') + ed.rawTag() });
        this.capture = undefined;
      }
    } else if (d === 2 && ed.isEndTag() && (name === T.fonts || name === T.fills || name === T.cellXfs)) {
      ed.insert(ed.start, this.additions(name));
    }
  }

  private additions(name: number): string {
    if (name === T.fonts) return this.s.fontsXml(this.p);
    if (name === T.fills) return this.s.fillsXml(this.p);
    return this.s.xfsXml(this.p, this.templates);
  }
}

export function freshStyles(s: Styles, main: string): string {
  const c = s.counts;
  return (
    `${XML_DECL}<styleSheet xmlns="${main}">` +
    `<fonts count="${c.fonts}"><font><sz val="11"/><name val="等线"/><charset val="134"/></font>${s.fontsXml('')}</fonts>` +
    `<fills count="${c.fills}">${s.fillsXml('')}</fills>` +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${c.xfs}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>${s.xfsXml('', new Map())}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
  );
}
