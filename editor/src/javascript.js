// The JavaScript grammar alone: lang-javascript's completions and snippets stay out.
import { javascriptLanguage } from '@codemirror/lang-javascript';
import { LanguageSupport } from '@codemirror/language';
export const javascript = () => new LanguageSupport(javascriptLanguage);
