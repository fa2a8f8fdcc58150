// Discord-flavoured markdown to HTML, as the client renders it. Text is HTML-escaped
// first; only the markup below becomes tags, so user text can never inject HTML.
"use strict";

const Markdown = (() => {
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);

  // Discord timestamp styles, in the viewer's own locale and time zone.
  const STYLES = {
    t: { hour: "2-digit", minute: "2-digit" },
    T: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
    d: { year: "numeric", month: "2-digit", day: "2-digit" },
    D: { year: "numeric", month: "long", day: "numeric" },
    f: { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" },
    F: { weekday: "long", year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" },
  };

  function relative(date) {
    const seconds = Math.round((date.getTime() - Date.now()) / 1000);
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    const units = [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]];
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return rtf.format(Math.trunc(seconds / size), unit);
    }
    return rtf.format(seconds, "second");
  }

  function formatTimestamp(unix, style) {
    const date = new Date(unix * 1000);
    if (style === "R") return relative(date);
    return new Intl.DateTimeFormat(undefined, STYLES[style] || STYLES.f).format(date);
  }

  function timestampHtml(unix, style) {
    const full = new Intl.DateTimeFormat(undefined, STYLES.F).format(new Date(unix * 1000));
    return `<span class="ts" data-unix="${unix}" data-style="${style}" title="${escapeHtml(full)}">` +
      `${escapeHtml(formatTimestamp(unix, style))}</span>`;
  }

  // Inline markup on already-escaped text; `ctx` resolves mentions to names.
  function inline(text, ctx) {
    return text
      .replace(/\|\|(.+?)\|\|/gs, '<span class="spoiler" title="Spoiler: click to reveal"><span>$1</span></span>')
      .replace(/\*\*\*(.+?)\*\*\*/gs, "<strong><em>$1</em></strong>")
      .replace(/\*\*(.+?)\*\*/gs, "<strong>$1</strong>")
      .replace(/__(.+?)__/gs, "<u>$1</u>")
      .replace(/(^|[^\w*])\*(?!\s)(.+?)\*(?!\w)/gs, "$1<em>$2</em>")
      .replace(/(^|[^\w])_(?!\s)(.+?)_(?!\w)/gs, "$1<em>$2</em>")
      .replace(/~~(.+?)~~/gs, "<s>$1</s>")
      .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noreferrer">$1</a>')
      .replace(/(^|[\s(])(https?:\/\/[^\s<)]+)/g, '$1<a href="$2" target="_blank" rel="noreferrer">$2</a>')
      .replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g, (_, unix, style) => timestampHtml(Number(unix), style || "f"))
      .replace(/&lt;@!?(\d+)&gt;/g, (_, id) => `<span class="mention">@${escapeHtml(ctx.userName(id))}</span>`)
      .replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => `<span class="mention">@${escapeHtml(ctx.roleName(id))}</span>`)
      .replace(/&lt;#(\d+)&gt;/g, (_, id) =>
        `<span class="mention channel-mention" data-channel="${id}">#${escapeHtml(ctx.channelName(id))}</span>`)
      .replace(/&lt;\/([\w -]+):(\d+)&gt;/g, '<span class="mention">/$1</span>');
  }

  function blocks(text, ctx) {
    const out = [];
    let list = null;
    const closeList = () => { if (list) { out.push(`</${list}>`); list = null; } };
    for (const line of text.split("\n")) {
      let m;
      if ((m = line.match(/^(#{1,3}) (.*)$/))) {
        closeList();
        out.push(`<h${m[1].length}>${inline(m[2], ctx)}</h${m[1].length}>`);
      } else if ((m = line.match(/^-# (.*)$/))) {
        closeList();
        out.push(`<div class="subtext">${inline(m[1], ctx)}</div>`);
      } else if ((m = line.match(/^&gt; ?(.*)$/))) {
        closeList();
        out.push(`<blockquote>${inline(m[1], ctx)}</blockquote>`);
      } else if ((m = line.match(/^\s*[-*] (.*)$/))) {
        if (list !== "ul") { closeList(); out.push("<ul>"); list = "ul"; }
        out.push(`<li>${inline(m[1], ctx)}</li>`);
      } else if ((m = line.match(/^\s*(\d+)\. (.*)$/))) {
        if (list !== "ol") { closeList(); out.push(`<ol start="${m[1]}">`); list = "ol"; }
        out.push(`<li>${inline(m[2], ctx)}</li>`);
      } else {
        closeList();
        out.push(inline(line, ctx) + "\n");
      }
    }
    closeList();
    return out.join("").replace(/\n$/, "").replace(/\n(<(h\d|blockquote|ul|ol|div))/g, "$1");
  }

  // Code first (its content is never formatted), then backslash escapes, then the rest.
  function render(source, ctx) {
    const held = [];
    const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
    let text = String(source || "");
    text = text.replace(/```(?:[\w+-]*\n)?([\s\S]*?)```/g, (_, code) => hold(`<pre><code>${escapeHtml(code)}</code></pre>`));
    text = text.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${escapeHtml(code)}</code>`));
    text = text.replace(/\\([*_~|`>#\-\\[\]()<:])/g, (_, ch) => hold(escapeHtml(ch)));
    let html = blocks(escapeHtml(text), ctx);
    html = html.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
    return html;
  }

  return { render, escapeHtml, formatTimestamp };
})();
