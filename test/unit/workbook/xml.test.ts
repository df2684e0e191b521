// The byte-level XML scanner: what it hands a handler, what it refuses, and
// that the pieces the bytes come in change nothing.
import { describe, expect, it } from 'vitest';
import { decodeText, NS_MAIN, NS_NONE, NS_OTHER, type XmlHandler, XmlScanner } from '../../../functions/core/workbook/xml';

const NAMES = ['a', 'b', 'c'];

/** Events as text: open/close with name id and namespace, text decoded; attributes of interest. */
function events(xml: string | Uint8Array, pieces: number[] = []): string[] {
  const out: string[] = [];
  let text: { b: number[]; flags: number } | undefined;
  const flushText = () => {
    if (text) out.push(`text:${decodeText(Uint8Array.from(text.b), 0, text.b.length, text.flags)}`);
    text = undefined;
  };
  const h: XmlHandler = {
    open(x, name, ns) {
      flushText();
      out.push(`open:${name}:${ns}${x.attr('k') !== undefined ? `:k=${x.attr('k')}` : ''}${x.attr('id', true) !== undefined ? `:id=${x.attr('id', true)}` : ''}`);
    },
    close(_x, name) {
      flushText();
      out.push(`close:${name}`);
    },
    text(x, s, e, flags) {
      // pieces of one text run are joined, as a handler that captures does
      text ??= { b: [], flags: 0 };
      for (let i = s; i < e; i++) text.b.push(x.buf[i]!);
      text.flags |= flags;
    },
    detach() {},
  };
  const x = new XmlScanner(h, NAMES);
  const bytes = typeof xml === 'string' ? new TextEncoder().encode(xml) : xml;
  let at = 0;
  for (const size of pieces) {
    x.push(bytes.subarray(at, at + size));
    at += size;
  }
  x.push(bytes.subarray(at));
  x.end();
  flushText();
  return out;
}

const fails = (xml: string) => () => events(xml);

describe('the XML scanner', () => {
  it('hands over elements with their name ids and namespaces, attributes and decoded text', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><!-- c --><a xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><b k='1 &amp; 2' r:id="rId7">x &lt; y&#x4E2D;</b><o:c xmlns:o="urn:other"/><c/></a>`;
    expect(events(xml)).toEqual([
      `open:1:${NS_MAIN}`,
      `open:2:${NS_MAIN}:k=1 & 2:id=rId7`,
      'text:x < y中',
      'close:2',
      `open:3:${NS_OTHER}`,
      'close:3',
      `open:3:${NS_MAIN}`,
      'close:3',
      'close:1',
    ]);
    expect(events('<a/>')).toEqual([`open:1:${NS_NONE}`, 'close:1']);
  });

  it('normalises line ends in text as XML says: CR LF and a lone CR are LF; &#13; stays', () => {
    expect(events('<a>1\r\n2\r3&#13;&#10;4</a>')).toEqual(['open:1:0', 'text:1\n2\n3\r\n4', 'close:1']);
  });

  it('reads CDATA literally', () => {
    expect(events('<a><![CDATA[<b>&amp;</b>]]></a>')).toEqual(['open:1:0', 'text:<b>&amp;</b>', 'close:1']);
  });

  it('reads the same whatever the pieces: every split of a document, one byte at a time included', () => {
    const xml = `<?xml version="1.0"?><a xmlns:p="urn:x"><!-- a comment > with < signs --><b k="v&amp;w">t&#x4E2D;&lt;文</b><p:c/><![CDATA[x]]y]]><c k='é'/>\r\n</a>`;
    const whole = events(xml);
    const bytes = new TextEncoder().encode(xml);
    for (let cut = 1; cut < bytes.length; cut++) expect(events(bytes, [cut]), `cut at ${cut}`).toEqual(whole);
    expect(events(bytes, Array.from({ length: bytes.length }, () => 1))).toEqual(whole);
  });

  it('tells where each tag starts during open and close, and after a push what it consumed, whatever the pieces', () => {
    const xml = `<?xml version="1.0"?><a k="1"><b>t&amp;u</b><c k='2'/><![CDATA[x]]><b/>\r\n</a>`;
    const bytes = new TextEncoder().encode(xml);
    const tagAt = (at: number) => xml.slice(at, xml.indexOf('>', at) + 1);
    const want: string[] = [];
    for (const m of xml.matchAll(/<[^?!][^>]*>/g)) {
      want.push(`${m[0].startsWith('</') ? 'close' : 'open'}:${m[0]}`);
      if (m[0].endsWith('/>')) want.push(`close:${m[0]}`); // an empty element's close() names its start tag
    }
    for (let cut = 1; cut < bytes.length; cut++) {
      const seen: string[] = [];
      const consumed: number[] = [];
      const token = (kind: string) => (x: XmlScanner) => {
        // the tag's bytes are in buf where offset says
        const from = x.offset - x.bufferOffset;
        expect(new TextDecoder().decode(x.buf.subarray(from, from + tagAt(x.offset).length))).toBe(tagAt(x.offset));
        seen.push(`${kind}:${tagAt(x.offset)}`);
      };
      const x = new XmlScanner({ open: token('open'), close: token('close'), text() {}, detach() {} }, NAMES);
      for (const piece of [bytes.subarray(0, cut), bytes.subarray(cut)]) {
        x.push(piece);
        // what this push consumed: the bytes from where the scanner stood before, as they are in the part
        const n = x.offset - x.bufferOffset;
        expect(Buffer.from(x.buf.subarray(0, n)).equals(Buffer.from(bytes.subarray(x.bufferOffset, x.offset))), `cut at ${cut}`).toBe(true);
        consumed.push(x.offset);
      }
      x.end();
      expect(seen, `cut at ${cut}`).toEqual(want);
      expect(consumed[0], `cut at ${cut}`).toBeLessThanOrEqual(cut);
      expect(x.offset).toBe(bytes.length);
    }
  });

  it('refuses what is not well-formed, with the reason', () => {
    expect(fails('<a><b></a>')).toThrow(/does not match its start tag/);
    expect(fails('<a>')).toThrow(/before its elements are closed/);
    expect(fails('<a><!-- open')).toThrow(/comment .* never closed/);
    expect(fails('<a><![CDATA[ open')).toThrow(/CDATA section is never closed/);
    expect(fails('<a>&nbsp;</a>')).toThrow(/unknown entity reference &nbsp;/);
    expect(fails('<a>AT&T</a>')).toThrow(/bare “&”|unknown entity/);
    expect(fails('<a>&#0;</a>')).toThrow(/unknown entity/);
    expect(fails('<a/><b/>')).toThrow(/second root/);
    expect(fails('text<a/>')).toThrow(/text outside the root/);
    expect(fails('<a k=v/>')).toThrow(/not quoted/);
    expect(fails('<a k="1"j="2"/>')).toThrow(/malformed attribute/);
    expect(fails('<a k="<"/>')).toThrow(/inside the value/);
    expect(fails('<x:a/>')).toThrow(/prefix .* not declared/);
    expect(fails('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')).toThrow(/DOCTYPE/);
    expect(fails('')).toThrow(/no XML element/);
    expect(fails('<a></a')).toThrow(/ends inside a tag/);
  });

  it('refuses text that is not UTF-8', () => {
    expect(() => decodeText(new Uint8Array([0x61, 0xff, 0x62]), 0, 3, 0)).toThrow(/not valid UTF-8/);
  });

  it('reads a megabyte tag that arrives in small pieces in linear time', () => {
    const xml = `<a><b k="${'x'.repeat(1 << 20)}"/></a>`;
    const t0 = performance.now();
    expect(events(xml, Array.from({ length: 400 }, () => 1000)).length).toBe(4);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(fails(`<a><b k="${'x'.repeat(1 << 21)}"/></a>`)).not.toThrow(); // in one piece no limit applies
    expect(() => events(`<a><b k="${'x'.repeat(3 << 19)}"/></a>`, Array.from({ length: 100 }, () => 16384))).toThrow(/tag runs past 1 MB/);
  });
});
