// The action page's code editor. The page renders a <textarea data-code-editor> holding the
// code (readable, and editable, before this loads or with JavaScript off); this module puts
// CodeMirror 6 in its place and keeps the textarea's value in step, so the page's own code
// reads and writes the textarea only:
//   - every change sets textarea.value and fires a bubbling `input` event;
//   - the page replaces the whole text (a restored draft, "Take theirs") by setting the
//     value and firing `code-editor:replace` on the textarea.
// The host element gets data-editor-ready="true" once the editor can be typed in.
import { EditorState, Annotation } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  bracketMatching, indentOnInput, syntaxHighlighting,
} from '@codemirror/language';
import { classHighlighter } from '@lezer/highlight';
import { search, searchKeymap, highlightSelectionMatches } from '@codemirror/search';

// Each language is its own chunk, fetched with the editor: a JavaScript action never
// downloads the Python grammar, nor a Python action the JavaScript one.
const language = (name) =>
  name === 'python'
    ? import('./python.js').then((m) => m.python())
    : import('./javascript.js').then((m) => m.javascript());

async function mount(textarea) {
  const host = document.getElementById(textarea.dataset.codeEditor);
  if (!host || host.dataset.editorMounting) return;
  host.dataset.editorMounting = 'true';
  const readOnly = textarea.readOnly;
  const grammar = await language(textarea.dataset.language);
  const label = textarea.getAttribute('aria-label') || 'Code';
  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(),
        history(), drawSelection(), indentOnInput(), bracketMatching(),
        highlightActiveLine(), highlightSelectionMatches(), search({ top: true }),
        syntaxHighlighting(classHighlighter),
        grammar,
        // Tab indents; Escape then Tab leaves the editor (CodeMirror's documented way out).
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
        EditorState.readOnly.of(readOnly),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged || update.transactions.some((t) => t.annotation(fromPage))) return;
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      ],
    }),
  });
  textarea.addEventListener('code-editor:replace', () => {
    const text = textarea.value;
    if (text === view.state.doc.toString()) return;
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: text },
      annotations: fromPage.of(true),
    });
  });
  textarea.hidden = true;
  host.hidden = false;
  host.dataset.editorReady = 'true';
}

// Marks a change the page made itself, so it is not echoed back as typing.
const fromPage = Annotation.define();

// Called by the page (after hydration, so the page's DOM is its own first).
export function mountAll() {
  return Promise.all([...document.querySelectorAll('textarea[data-code-editor]')].map(mount));
}
