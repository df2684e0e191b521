// The original package as the copy reads it: its parts as UTF-8, every one
// inflating against one budget, edited as they stream; and the refusal when a
// package cannot be copied.
import { QtrackError } from '../../../errors';
import { namingPart, PackageParts } from '../../xlsx';
import type { ZipEntry } from '../../zip';
import { PartEditor, type PartHandler } from './editor';

/** The copy cannot be made for a reason of the file's (its message: technical, English). */
export class CopyRefused extends QtrackError {}

/** The original package, read as the reader reads it, and its parts edited as they stream. */
export class Original extends PackageParts {
  /** The part as the handler edits it; a part that does not parse names itself. */
  async *edited(e: ZipEntry, editor: PartEditor): AsyncGenerator<Uint8Array> {
    try {
      yield* editor.run(this.pieces(e));
    } catch (err) {
      throw namingPart(e, err);
    }
  }

  /** Whether the handler would change the part (a pass without output). */
  async changes(e: ZipEntry, handler: PartHandler): Promise<boolean> {
    const editor = new PartEditor(handler, false);
    for await (const _ of this.edited(e, editor)) {
      // no output in a dry run
    }
    return editor.changed;
  }
}
