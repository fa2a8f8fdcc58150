// Rendering the server like Discord's client: channels, members, messages, embeds,
// attachments and components. Pure functions of ``state`` (defined in app.js).
"use strict";

// ------------------------------------------------------------------------ lookups
const member = (id) => state.members.find((m) => m.id === id);
const ctx = {
  userName: (id) => (member(id) || {}).name || "unknown-user",
  roleName: () => "role",
  channelName: (id) => (state.channels.get(id) || {}).name || "unknown-channel",
};
const colourOf = (id) => AVATAR_COLOURS[Number(BigInt(id) % 7n)];
function avatar(id, name) {
  const colour = id === state.botId ? "#5865f2" : colourOf(id);
  const text = id === state.botId ? "BR" : esc((name || "?")[0].toUpperCase());
  return `<div class="avatar" style="background:${colour}">${text}</div>`;
}
const attachmentUrl = (a) => `/attachments/${a.id}/${encodeURIComponent(a.filename)}`;
const md = (text) => Markdown.render(text, ctx);

// ------------------------------------------------------------------------ rendering
function renderAll() {
  $("guild-name").textContent = state.guild.name;
  renderChannels(); renderMembers(); renderSwitcher(); renderStatus(); renderMessages();
}

function renderChannels() {
  const all = [...state.channels.values()];
  const byPosition = (a, b) => (a.position || 0) - (b.position || 0) || (a.id < b.id ? -1 : 1);
  const categories = all.filter((c) => c.type === 4).sort(byPosition);
  const texts = all.filter((c) => c.type === 0 || c.type === 5 || c.type === 15 || c.type === 2).sort(byPosition);
  const threads = all.filter((c) => c.type === 11 || c.type === 12);
  const icon = { 0: "#", 5: "📢", 15: "💬", 2: "🔊" };
  const channelHtml = (c) => {
    const under = threads.filter((t) => t.parent_id === c.id).sort((a, b) => (a.id < b.id ? -1 : 1));
    return `<div class="channel ${c.id === state.current ? "active" : ""}" data-channel="${c.id}">` +
      `<span class="hash">${icon[c.type] || "#"}</span>${esc(c.name)}</div>` +
      under.map((t) => `<div class="channel thread ${t.id === state.current ? "active" : ""} ` +
        `${t.thread_metadata && t.thread_metadata.archived ? "archived" : ""}" data-channel="${t.id}" ` +
        `title="${esc(t.name)}"><span class="hash">└</span>${esc(t.name)}</div>`).join("");
  };
  let html = texts.filter((c) => !c.parent_id).map(channelHtml).join("");
  for (const category of categories) {
    html += `<div class="category">${esc(category.name)}</div>` +
      texts.filter((c) => c.parent_id === category.id).map(channelHtml).join("");
  }
  $("channel-list").innerHTML = html;
}

function renderMembers() {
  const people = state.members.filter((m) => !m.bot);
  const group = (title, list) => list.length ? `<div class="member-group">${title} — ${list.length}</div>` +
    list.map((m) => `<div class="member ${m.id === state.me ? "me" : ""}" data-member="${m.id}" ` +
      `title="Click to act as ${esc(m.name)}">${avatar(m.id, m.name)}<span class="name">${esc(m.name)}</span>` +
      `${m.bot ? '<span class="bot-tag">App</span>' : ""}</div>`).join("") : "";
  $("members").innerHTML = group("Organiser", people.filter((m) => m.organiser)) +
    group("Members", people.filter((m) => !m.organiser)) + group("Apps", state.members.filter((m) => m.bot));
}

function renderSwitcher() {
  $("member-switcher").innerHTML = state.members.filter((m) => !m.bot).map((m) =>
    `<option value="${m.id}" ${m.id === state.me ? "selected" : ""}>${esc(m.name)}` +
    `${m.organiser ? " (organiser, Manage Server)" : ""}</option>`).join("");
  const me = member(state.me);
  $("me-avatar").outerHTML = `<div class="avatar" id="me-avatar" style="background:${colourOf(me.id)}">${esc(me.name[0])}</div>`;
}

function renderStatus() {
  const bot = state.bot;
  const label = { online: "Bot online", starting: "Bot starting…", restarting: "Bot restarting…",
    stopped: "Bot stopped", crashed: "Bot crashed" }[bot.state] || bot.state;
  const status = $("bot-status");
  status.className = `status ${bot.state}`;
  status.textContent = label;
  status.title = bot.detail || `process ${bot.pid}, ${bot.minute_seconds} s per mock minute`;
  const speeds = [[60, "real time (60 s/min)"], [6, "10× (6 s/min)"], [1, "60× (1 s/min)"], [0.1, "600× (0.1 s/min)"]];
  $("speed").innerHTML = speeds.map(([s, text]) =>
    `<option value="${s}" ${Number(bot.minute_seconds) === s ? "selected" : ""}>${text}</option>`).join("");
  const busy = bot.state === "starting" || bot.state === "restarting";
  for (const id of ["restart-bot", "speed", "advance-day"]) $(id).disabled = busy;
}

function renderChannelIfShowing(channelId) {
  if (channelId && channelId === state.current) renderMessages();
}

function visibleMessages(channelId) {
  return [...state.messages.values()].filter((m) => m.channel_id === channelId && (
    !(m.flags & EPHEMERAL) || (m.interaction_metadata && m.interaction_metadata.user.id === state.me
      && !state.dismissed.has(m.id))));
}

function renderMessages() {
  const channel = state.channels.get(state.current);
  if (!channel) return;
  const thread = channel.type === 11 || channel.type === 12;
  $("channel-title").innerHTML = `<span class="muted">${thread ? "🧵" : "#"}</span> ${esc(channel.name)}`;
  $("composer-input").placeholder = `Message ${thread ? "" : "#"}${channel.name}  ( / for commands )`;
  const list = visibleMessages(state.current);
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  let html = "", previous = null;
  const starter = thread ? state.messages.get(channel.id) : null;
  if (starter) html += `<div class="message system">Thread started from a message in ` +
    `#${esc(ctx.channelName(starter.channel_id))}</div>`;
  const items = list.map((m) => ({ at: Date.parse(m.timestamp), m }))
    .concat(state.notices.filter((n) => n.channel === state.current).map((n) => ({ at: n.at, notice: n })))
    .sort((a, b) => a.at - b.at);
  for (const item of items) {
    if (item.notice) {
      html += `<div class="message system notice">${esc(item.notice.text)}</div>`;
      previous = null;
    } else {
      html += messageHtml(item.m, previous);
      previous = item.m;
    }
  }
  box.innerHTML = html || `<div class="empty">No messages in #${esc(channel.name)} yet.</div>`;
  if (atBottom || state.scrollDown || !items.length || box.dataset.showing !== state.current) {
    box.scrollTop = box.scrollHeight;
    for (const img of box.querySelectorAll("img")) {  // images that load later keep the bottom in view
      if (!img.complete) img.addEventListener("load", () => { box.scrollTop = box.scrollHeight; }, { once: true });
    }
  }
  state.scrollDown = false;
  box.dataset.showing = state.current;
}

function messageHtml(m, previous) {
  const meta = m.interaction_metadata;
  const sameAuthor = previous && previous.author.id === m.author.id && !meta && !m.message_reference &&
    new Date(m.timestamp) - new Date(previous.timestamp) < 5 * 60 * 1000 && !(previous.flags & EPHEMERAL);
  const time = new Date(m.timestamp);
  const when = time.toDateString() === new Date().toDateString() ?
    `Today at ${time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}` : time.toLocaleString();
  let head = "";
  if (meta && meta.type !== 3) {  // Discord shows who ran a command; button presses show nothing
    const command = state.used.get(meta.id);
    head += `<div class="used">↱ <b>${esc(ctx.userName(meta.user.id))}</b> ` +
      `${command ? `used <span class="mention">${isSlash(command) ? "/" : ""}${esc(command)}</span>` : "used a command"}</div>`;
  }
  if (m.message_reference && m.message_reference.message_id) {
    const ref = state.messages.get(m.message_reference.message_id);
    head += `<div class="reply-ref">↱ ${ref ? `<b>${esc(ref.author.username)}</b> ${esc((ref.content || "").slice(0, 80))}` :
      "Original message was deleted"}</div>`;
  }
  const cont = sameAuthor && !head;
  let html = `<div class="message ${cont ? "cont" : ""} ${m.flags & EPHEMERAL ? "ephemeral" : ""}" data-id="${m.id}">`;
  html += head;
  if (!cont) {
    html += avatar(m.author.id, m.author.username) + `<div class="msg-head"><span class="author">${esc(m.author.username)}</span>` +
      `${m.author.bot ? '<span class="bot-tag">App</span>' : ""}<span class="time" title="${esc(time.toLocaleString())}">${esc(when)}</span></div>`;
  }
  if (m.flags & LOADING) html += `<div class="thinking">${esc(m.author.username)} is thinking…</div>`;
  if (m.content) html += `<div class="content">${md(m.content)}${m.edited_timestamp && !meta ? ' <span class="edited">(edited)</span>' : ""}</div>`;
  html += (m.embeds || []).map((e) => embedHtml(e, m)).join("");
  html += attachmentsHtml(m);
  html += componentsHtml(m);
  if ((m.reactions || []).length) {
    html += `<div class="reactions">${m.reactions.map((r) => `<span class="reaction" title="${esc(r.emoji.name)} reacted by ${r.me ? "Bar Raiser" : "members"}">` +
      `${esc(r.emoji.name)} ${r.count}</span>`).join("")}</div>`;
  }
  const thread = state.channels.get(m.id);
  if (thread && (thread.type === 11 || thread.type === 12)) {
    const count = [...state.messages.values()].filter((x) => x.channel_id === thread.id && !(x.flags & EPHEMERAL)).length;
    html += `<div class="thread-link" data-channel="${thread.id}">🧵 <b>${esc(thread.name)}</b>` +
      `<span class="muted">${count} message${count === 1 ? "" : "s"} ›</span></div>`;
  }
  if (m.flags & EPHEMERAL) {
    html += `<div class="ephemeral-note">👁 Only you can see this · <a data-dismiss="${m.id}">Dismiss message</a></div>`;
  }
  const apps = state.commands.filter((c) => c.type === 3 && c.visible_to.includes(state.me));
  if (apps.length && !(m.flags & EPHEMERAL)) {
    html += `<div class="msg-actions">${apps.map((c) => `<button data-app="${esc(c.path)}" data-message="${m.id}" ` +
      `title="Apps → ${esc(c.path)}">⚡ ${esc(c.path)}</button>`).join("")}</div>`;
  }
  return html + "</div>";
}

const isSlash = (path) => !state.commands.some((c) => c.type !== 1 && c.path === path);

function imageUrl(url, message) {
  if (!url) return null;
  if (url.startsWith("attachment://")) {
    const found = (message.attachments || []).find((a) => a.filename === url.slice(13));
    return found ? attachmentUrl(found) : null;
  }
  return /^https?:/.test(url) ? url : null;
}

function embedHtml(e, message) {
  const colour = e.color !== undefined && e.color !== null ? `#${e.color.toString(16).padStart(6, "0")}` : "#1e1f22";
  let html = `<div class="embed" style="border-left-color:${colour}">`;
  const thumb = imageUrl(e.thumbnail && e.thumbnail.url, message);
  if (thumb) html += `<img class="embed-thumbnail" src="${esc(thumb)}" alt="">`;
  if (e.author && e.author.name) html += `<div class="embed-author">${esc(e.author.name)}</div>`;
  if (e.title) {
    html += `<div class="embed-title">${e.url ? `<a href="${esc(e.url)}" target="_blank">${md(e.title)}</a>` : md(e.title)}</div>`;
  }
  if (e.description) html += `<div class="embed-description content">${md(e.description)}</div>`;
  if ((e.fields || []).length) {
    html += `<div class="embed-fields">${e.fields.map((f) => `<div class="embed-field ${f.inline ? "inline" : ""}">` +
      `<div class="embed-field-name">${md(f.name)}</div><div class="embed-field-value content">${md(f.value)}</div></div>`).join("")}</div>`;
  }
  const image = imageUrl(e.image && e.image.url, message);
  if (image) html += `<img class="embed-image attachment-image" src="${esc(image)}" alt="">`;
  const footer = [e.footer && e.footer.text ? esc(e.footer.text) : "",
    e.timestamp ? esc(new Date(e.timestamp).toLocaleString()) : ""].filter(Boolean).join(" • ");
  if (footer) html += `<div class="embed-footer">${footer}</div>`;
  return html + "</div>";
}

function attachmentsHtml(m) {
  const shownInEmbeds = new Set((m.embeds || []).flatMap((e) => [e.image, e.thumbnail])
    .filter((x) => x && x.url && x.url.startsWith("attachment://")).map((x) => x.url.slice(13)));
  const files = (m.attachments || []).filter((a) => !shownInEmbeds.has(a.filename));
  if (!files.length) return "";
  return `<div class="attachments">${files.map((a) => {
    const isImage = (a.content_type || "").startsWith("image/") || /\.(png|jpe?g|gif|webp)$/i.test(a.filename);
    if (isImage) return `<a href="${attachmentUrl(a)}" target="_blank"><img class="attachment-image" src="${attachmentUrl(a)}" alt="${esc(a.filename)}"></a>`;
    return `<div class="attachment-file">📄 <div><a href="${attachmentUrl(a)}" download="${esc(a.filename)}">` +
      `${esc(a.filename)}</a><div class="muted small">${(a.size / 1024).toFixed(1)} KB</div></div></div>`;
  }).join("")}</div>`;
}

function componentsHtml(m) {
  const rows = (m.components || []).filter((row) => row.type === 1);
  if (!rows.length) return "";
  return `<div class="components">${rows.map((row) => `<div class="action-row">${row.components.map((c) => {
    if (c.type === 2) {
      const label = `${c.emoji && c.emoji.name ? esc(c.emoji.name) + " " : ""}${esc(c.label || "")}`;
      if (c.style === 5) return `<a class="btn link" href="${esc(c.url)}" target="_blank">${label} ↗</a>`;
      return `<button class="btn ${BUTTON_STYLES[c.style] || "secondary"}" data-message="${m.id}" ` +
        `data-custom-id="${esc(c.custom_id)}" ${c.disabled ? "disabled" : ""}>${label}</button>`;
    }
    return selectHtml(c, m);
  }).join("")}</div>`).join("")}</div>`;
}

function selectHtml(c, m) {
  let options = c.options || [];
  if (c.type === 5 || c.type === 7) options = state.members.filter((x) => !x.bot).map((x) => ({ label: x.name, value: x.id }));
  if (c.type === 8) options = [...state.channels.values()].filter((x) => x.type === 0).map((x) => ({ label: `#${x.name}`, value: x.id }));
  const label = (o) => `${o.emoji && o.emoji.name ? esc(o.emoji.name) + " " : ""}${esc(o.label)}` +
    `${o.description ? ` <span class="muted">— ${esc(o.description)}</span>` : ""}`;
  const placeholder = esc(c.placeholder || "Make a selection");
  if ((c.max_values || 1) > 1) {
    return `<div class="select multi" data-message="${m.id}" data-select="${esc(c.custom_id)}" ` +
      `data-min="${c.min_values ?? 1}" data-max="${c.max_values}">` +
      `<button type="button" class="select-toggle" ${c.disabled ? "disabled" : ""}>${placeholder} ▾</button>` +
      `<div class="select-menu" hidden>${options.map((o) => `<label><input type="checkbox" value="${esc(o.value)}"> ` +
      `${label(o)}</label>`).join("")}<button type="button" class="btn primary select-apply">Apply</button></div></div>`;
  }
  return `<select class="select" data-message="${m.id}" data-custom-id="${esc(c.custom_id)}" ${c.disabled ? "disabled" : ""}>` +
    `<option value="" selected disabled>${placeholder}</option>` +
    options.map((o) => `<option value="${esc(o.value)}">${o.emoji && o.emoji.name ? esc(o.emoji.name) + " " : ""}` +
      `${esc(o.label)}${o.description ? ` — ${esc(o.description)}` : ""}</option>`).join("") + "</select>";
}

function addNotice(text) {
  state.notices.push({ channel: state.current, text, at: Date.now() });
  renderMessages();
}

function showError(text) {
  const box = $("composer-error");
  box.textContent = text;
  box.hidden = !text;
}

