// The Python grammar alone: lang-python's completions stay out.
import { pythonLanguage } from '@codemirror/lang-python';
import { LanguageSupport } from '@codemirror/language';
export const python = () => new LanguageSupport(pythonLanguage);
