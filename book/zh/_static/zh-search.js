/* Chinese edition: split a search query into the words of the search index.
 *
 * Sphinx's Chinese search (sphinx.search.zh) cuts the book's text into words with jieba when it
 * builds searchindex.js, but in the browser it splits a query only at spaces and punctuation:
 * a query typed the usual Chinese way, without spaces ("多层感知器", "符号张量"), stays one
 * long term that is in no page's word list, and the search finds nothing. This replaces
 * Sphinx's `splitQuery` (searchtools.js uses ours when it is defined, and calls it only once the
 * index is loaded) with one that cuts every run of Chinese characters greedily into the longest
 * words the index knows (forward maximum matching, words of up to 8 characters). Single
 * characters the index does not know (particles such as 的) are dropped, since Sphinx indexes no
 * one-character word; a run in which no word is known is kept whole, so such a query still
 * reports no result rather than matching everything. Latin words are split as Sphinx does.
 */
(() => {
  "use strict";
  const CJK_RUN = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/u;
  const LONGEST = 8;

  const known = (word) => {
    const index = typeof Search !== "undefined" ? Search._index : null;
    return !!index && (Object.hasOwn(index.terms, word) || Object.hasOwn(index.titleterms, word));
  };

  const segment = (run) => {
    const words = [];
    let start = 0;
    while (start < run.length) {
      let length = Math.min(LONGEST, run.length - start);
      while (length > 1 && !known(run.substr(start, length))) length -= 1;
      const word = run.substr(start, length);
      if (length > 1 || known(word)) words.push(word);
      start += length;
    }
    return words.length ? words : [run];
  };

  const splitChineseQuery = (query) => query
    .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
    .filter((term) => term)
    .flatMap((term) => term.split(CJK_RUN).filter((part) => part)
      .flatMap((part) => (CJK_RUN.test(part) ? segment(part) : [part])));

  globalThis.splitQuery = splitChineseQuery;
})();
