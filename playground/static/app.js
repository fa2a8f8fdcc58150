// The playground page: a Discord-like client for the stand-in. State comes from
// /api/state, changes arrive as server-sent events from /api/events, and every member
// action is a POST that the stand-in turns into what Discord would send the bot.
"use strict";

const EPHEMERAL = 64, LOADING = 128;
const OPTION = { SUB: 1, GROUP: 2, STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, CHANNEL: 7, ROLE: 8, MENTIONABLE: 9, NUMBER: 10 };
const BUTTON_STYLES = { 1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link" };
const AVATAR_COLOURS = ["#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#57f287", "#1abc9c"];

const state = {
  guild: null, botId: null, channels: new Map(), members: [], messages: new Map(), commands: [],
  bot: {}, current: null, me: null, dismissed: new Set(), notices: [], used: new Map(),
  pendingModals: new Map(), command: null, popupIndex: 0, answered: new Set(),
};
const DEADLINE_MS = 3500;  // Discord's client gives up on an interaction after 3 s
const $ = (id) => document.getElementById(id);
const esc = Markdown.escapeHtml;

// ---------------------------------------------------------------- talking to the server
async function post(path, body) {
  const response = await fetch(`/api/${path}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  if (data.interaction_id) expectAnswer(data.interaction_id);
  return data;
}

// Like Discord's client: say so when the bot does not acknowledge an interaction in time.
function expectAnswer(id) {
  setTimeout(() => {
    if (!state.answered.has(id)) showError("Bar Raiser did not respond (the interaction failed after 3 s).");
  }, DEADLINE_MS);
}

async function loadState() {
  const data = await (await fetch("/api/state")).json();
  state.guild = data.guild;
  state.botId = data.bot_id;
  state.channels = new Map(data.channels.map((c) => [c.id, c]));
  state.members = data.members;
  state.messages = new Map(data.messages.map((m) => [m.id, m]));
  state.commands = data.commands;
  for (const [id, path] of Object.entries(data.used)) state.used.set(id, path);
  state.bot = data.bot;
  if (!state.current || !state.channels.has(state.current)) state.current = data.default_channel;
  if (!state.me) state.me = data.members.find((m) => m.organiser).id;
  renderAll();
}

function connectEvents() {
  const source = new EventSource("/api/events");
  source.onopen = () => loadState();
  source.onmessage = (event) => onEvent(JSON.parse(event.data));
}

function onEvent({ t, d }) {
  if (t.endsWith("MESSAGE_CREATE") || t.endsWith("MESSAGE_UPDATE")) {
    const mine = d.author.id === state.me || (d.interaction_metadata && d.interaction_metadata.user.id === state.me);
    if (t.endsWith("CREATE") && mine) state.scrollDown = true;  // like Discord: your own news scrolls into view
    state.messages.set(d.id, d);
    if (d.thread) state.channels.set(d.thread.id, { ...state.channels.get(d.thread.id), ...d.thread });
    renderChannelIfShowing(d.channel_id);
  } else if (t.endsWith("MESSAGE_DELETE")) {
    state.messages.delete(d.id);
    renderChannelIfShowing(d.channel_id);
  } else if (t.startsWith("CHANNEL_") || t.startsWith("THREAD_")) {
    if (t.endsWith("DELETE")) state.channels.delete(d.id); else state.channels.set(d.id, d);
    renderChannels();
    renderChannelIfShowing(d.id);
    renderChannelIfShowing(d.parent_id);
  } else if (t === "INTERACTION_CALLBACK") {
    state.answered.add(d.id);
    if (d.type === 9) { state.pendingModals.set(d.user_id, d); maybeShowModal(); }
  } else if (t === "PLAYGROUND_BOT") {
    state.bot = d;
    renderStatus();
    if (d.state === "online") refreshCommands();
  } else if (t === "PLAYGROUND_RESTARTED") {
    const rows = Object.entries(d.persisted).map(([table, n]) => `${table} ${n}`).join(" · ");
    addNotice(`Bot restarted (process ${d.bot.pid}, restart ${d.bot.restarts}) on the same database ` +
      `${d.database}. What persisted: ${rows || "nothing yet"}.`);
  }
}

async function refreshCommands() {
  const data = await (await fetch("/api/state")).json();
  state.commands = data.commands;
}

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

async function applyMultiSelect(holder) {
  const values = [...holder.querySelectorAll("input:checked")].map((x) => x.value);
  const low = Number(holder.dataset.min), high = Number(holder.dataset.max);
  if (values.length < low || values.length > high) {
    showError(`Pick ${low === high ? low : `${low} to ${high}`} option${high === 1 ? "" : "s"}.`);
    return;
  }
  try {
    await post("select", { member: state.me, message_id: holder.dataset.message, custom_id: holder.dataset.select, values });
    holder.querySelector(".select-menu").hidden = true;
  } catch (error) { showError(error.message); }
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

// ------------------------------------------------------------------------ modals
function maybeShowModal() {
  const pending = state.pendingModals.get(state.me);
  if (!pending || !$("modal-backdrop").hidden) return;
  state.pendingModals.delete(state.me);
  const data = pending.data;
  const inputs = [];
  const collect = (components) => {
    for (const c of components || []) {
      if (c.type === 4) inputs.push({ input: c });
      else if (c.type === 18) inputs.push({ input: c.component, label: c.label, description: c.description });
      else if (c.components) collect(c.components);
    }
  };
  collect(data.components);
  const form = $("modal");
  form.dataset.interaction = pending.id;
  form.innerHTML = `<h2>${esc(data.title || "")}</h2><div class="fields">${inputs.filter((x) => x.input && x.input.type === 4).map(({ input, label, description }) => {
    const attrs = `data-custom-id="${esc(input.custom_id)}" ${input.required !== false ? "required" : ""} ` +
      `${input.min_length ? `minlength="${input.min_length}"` : ""} ${input.max_length ? `maxlength="${input.max_length}"` : ""} ` +
      `placeholder="${esc(input.placeholder || "")}"`;
    const field = input.style === 2 ? `<textarea ${attrs}>${esc(input.value || "")}</textarea>` :
      `<input ${attrs} value="${esc(input.value || "")}">`;
    return `<div><label>${esc(label || input.label || "")}${input.required !== false ? ' <span style="color:#f23f43">*</span>' : ""}</label>` +
      `${description ? `<div class="desc">${esc(description)}</div>` : ""}${field}</div>`;
  }).join("")}</div><div class="modal-error" hidden></div>` +
    `<footer><button type="button" class="cancel">Cancel</button><button type="submit" class="btn primary">Submit</button></footer>`;
  $("modal-backdrop").hidden = false;
  const first = form.querySelector("textarea, input");
  if (first) first.focus();
}

async function submitModal(event) {
  event.preventDefault();
  const form = $("modal");
  const values = {};
  for (const field of form.querySelectorAll("[data-custom-id]")) values[field.dataset.customId] = field.value;
  try {
    const { interaction_id } = await post("modal", { member: state.me, interaction_id: form.dataset.interaction, values });
    if (state.used.has(form.dataset.interaction)) state.used.set(interaction_id, state.used.get(form.dataset.interaction));
    $("modal-backdrop").hidden = true;
  } catch (error) {
    const box = form.querySelector(".modal-error");
    box.textContent = error.message;
    box.hidden = false;
  }
}

// ------------------------------------------------------------------------ the "/" picker
function commandsForMe() {
  return state.commands.filter((c) => c.type === 1 && c.visible_to.includes(state.me));
}

function renderPopup() {
  const text = $("composer-input").value;
  const popup = $("command-popup");
  if (state.command || !text.startsWith("/")) { popup.hidden = true; return; }
  const query = text.slice(1).toLowerCase().trim();
  const matches = commandsForMe().filter((c) => c.path.startsWith(query) || c.path.includes(query));
  state.popupIndex = Math.min(state.popupIndex, Math.max(matches.length - 1, 0));
  popup.innerHTML = `<div class="popup-title">Commands matching /${esc(query)} — Bar Raiser</div>` +
    (matches.map((c, i) => `<div class="cmd-item ${i === state.popupIndex ? "selected" : ""}" data-path="${esc(c.path)}">` +
      `<span class="path">/${esc(c.path)}</span><span class="desc">${esc(c.description)}</span></div>`).join("") ||
      '<div class="cmd-item"><span class="desc">No commands match.</span></div>');
  popup.hidden = false;
  popup.dataset.matches = JSON.stringify(matches.map((c) => c.path));
}

function chooseCommand(path) {
  const command = commandsForMe().find((c) => c.path === path);
  if (!command) return;
  state.command = command;
  $("command-popup").hidden = true;
  $("composer-input").value = "";
  $("composer-input").placeholder = command.options.length ? "Fill in the options above, then press Enter" : "Press Enter to run";
  $("command-chip").hidden = false;
  $("command-chip").textContent = `/${command.path}`;
  const form = $("command-form");
  form.hidden = !command.options.length;
  form.innerHTML = command.options.map(optionHtml).join("");
  const first = form.querySelector("input, select");
  (first || $("composer-input")).focus();
}

function optionHtml(o) {
  const label = `<label>${esc(o.name)}${o.required ? ' <span class="req">*</span>' : ' <span class="muted">optional</span>'}</label>`;
  let field;
  const title = `title="${esc(o.description || "")}"`;
  if (o.choices && o.choices.length) {
    field = `<select data-option="${esc(o.name)}" ${title}><option value="">${o.required ? "Choose…" : "—"}</option>` +
      o.choices.map((c) => `<option value="${esc(JSON.stringify(c.value))}">${esc(c.name)}</option>`).join("") + "</select>";
  } else if (o.type === OPTION.BOOLEAN) {
    field = `<select data-option="${esc(o.name)}" ${title}><option value="">—</option><option value="true">True</option><option value="false">False</option></select>`;
  } else if (o.type === OPTION.CHANNEL) {
    const channels = [...state.channels.values()].filter((c) => !o.channel_types || o.channel_types.includes(c.type))
      .filter((c) => c.type !== 4);
    field = `<select data-option="${esc(o.name)}" ${title}><option value="">Choose a channel…</option>` +
      channels.map((c) => `<option value="${c.id}">#${esc(c.name)}</option>`).join("") + "</select>";
  } else if (o.type === OPTION.USER || o.type === OPTION.MENTIONABLE) {
    field = `<select data-option="${esc(o.name)}" ${title}><option value="">Choose a member…</option>` +
      state.members.map((m) => `<option value="${m.id}">${esc(m.name)}</option>`).join("") + "</select>";
  } else {
    const type = o.type === OPTION.INTEGER || o.type === OPTION.NUMBER ? "number" : "text";
    field = `<input type="${type}" data-option="${esc(o.name)}" ${title} placeholder="${esc(o.description || "")}" ` +
      `${o.autocomplete ? 'data-autocomplete="1"' : ""} ${o.min_value !== undefined ? `min="${o.min_value}"` : ""} ` +
      `${o.max_value !== undefined ? `max="${o.max_value}"` : ""} ${o.type === OPTION.NUMBER ? 'step="any"' : ""}>`;
  }
  return `<div class="cmd-option" data-name="${esc(o.name)}">${label}${field}</div>`;
}

function optionValue(o, raw) {
  if (raw === "") return undefined;
  if (o.choices && o.choices.length) return JSON.parse(raw);
  if (o.type === OPTION.BOOLEAN) return raw === "true";
  if (o.type === OPTION.INTEGER) return parseInt(raw, 10);
  if (o.type === OPTION.NUMBER) return parseFloat(raw);
  return raw;
}

function gatherOptions() {
  const options = {};
  for (const o of state.command.options) {
    const field = $("command-form").querySelector(`[data-option="${CSS.escape(o.name)}"]`);
    const value = optionValue(o, field ? field.value.trim() : "");
    if (value !== undefined) options[o.name] = value;
  }
  return options;
}

let autocompleteTimer = null;
function onOptionInput(event) {
  const field = event.target;
  if (!field.dataset.autocomplete) return;
  clearTimeout(autocompleteTimer);
  autocompleteTimer = setTimeout(async () => {
    const options = gatherOptions();
    options[field.dataset.option] = field.value;
    try {
      const { choices } = await post("autocomplete", { member: state.me, channel: state.current,
        path: state.command.path, options, focused: field.dataset.option });
      showSuggestions(field, choices);
    } catch (error) { showError(error.message); }
  }, 200);
}

function showSuggestions(field, choices) {
  const holder = field.parentElement;
  holder.querySelectorAll(".suggestions").forEach((x) => x.remove());
  if (!choices.length) return;
  const box = document.createElement("div");
  box.className = "suggestions";
  box.innerHTML = choices.map((c) => `<div class="suggestion" data-value="${esc(c.value)}">${esc(c.name)}</div>`).join("");
  box.addEventListener("mousedown", (event) => {
    const item = event.target.closest(".suggestion");
    if (!item) return;
    event.preventDefault();
    field.value = item.dataset.value;
    box.remove();
  });
  holder.appendChild(box);
}

function resetComposer() {
  state.command = null;
  $("command-chip").hidden = true;
  $("command-form").hidden = true;
  $("command-form").innerHTML = "";
  $("composer-input").value = "";
  renderMessages();
  renderPopup();
}

async function send() {
  showError("");
  const input = $("composer-input");
  try {
    if (state.command) {
      const missing = state.command.options.filter((o) => o.required && gatherOptions()[o.name] === undefined);
      if (missing.length) throw new Error(`Fill in ${missing.map((o) => o.name).join(", ")}.`);
      const path = state.command.path;
      const { interaction_id } = await post("slash", { member: state.me, channel: state.current, path, options: gatherOptions() });
      state.used.set(interaction_id, path);
      resetComposer();
    } else if (input.value.startsWith("/")) {
      const matches = JSON.parse($("command-popup").dataset.matches || "[]");
      if (matches.length) chooseCommand(matches[state.popupIndex] || matches[0]);
    } else if (input.value.trim()) {
      await post("message", { member: state.me, channel: state.current, content: input.value });
      input.value = "";
    }
  } catch (error) { showError(error.message); }
}

// ------------------------------------------------------------------------ events
function bind() {
  document.addEventListener("click", async (event) => {
    const target = event.target;
    const channel = target.closest("[data-channel]");
    const spoiler = target.closest(".spoiler");
    if (spoiler) { spoiler.classList.add("revealed"); return; }
    if (channel && state.channels.has(channel.dataset.channel)) {
      state.current = channel.dataset.channel;
      renderChannels(); renderMessages(); renderPopup(); return;
    }
    const who = target.closest("[data-member]");
    if (who) { switchTo(who.dataset.member); return; }
    const dismiss = target.closest("[data-dismiss]");
    if (dismiss) { state.dismissed.add(dismiss.dataset.dismiss); renderMessages(); return; }
    const button = target.closest("button[data-custom-id]");
    if (button) {
      showError("");
      try { await post("click", { member: state.me, message_id: button.dataset.message, custom_id: button.dataset.customId }); }
      catch (error) { showError(error.message); }
      return;
    }
    const toggle = target.closest(".select-toggle");
    if (toggle) { const menu = toggle.nextElementSibling; menu.hidden = !menu.hidden; return; }
    const apply = target.closest(".select-apply");
    if (apply) { await applyMultiSelect(apply.closest(".select.multi")); return; }
    const app = target.closest("button[data-app]");
    if (app) {
      try {
        const { interaction_id } = await post("app", { member: state.me, name: app.dataset.app, message_id: app.dataset.message });
        state.used.set(interaction_id, app.dataset.app);
      } catch (error) { showError(error.message); }
      return;
    }
    const item = target.closest(".cmd-item[data-path]");
    if (item) chooseCommand(item.dataset.path);
  });
  document.addEventListener("change", async (event) => {
    const select = event.target.closest("select[data-custom-id]");
    if (!select) return;
    const values = [...select.selectedOptions].map((o) => o.value).filter(Boolean);
    if (!values.length) return;
    try { await post("select", { member: state.me, message_id: select.dataset.message, custom_id: select.dataset.customId, values }); }
    catch (error) { showError(error.message); }
  });
  $("member-switcher").addEventListener("change", (event) => switchTo(event.target.value));
  $("composer-input").addEventListener("input", () => { state.popupIndex = 0; renderPopup(); });
  $("composer-input").addEventListener("keydown", (event) => {
    const popupOpen = !$("command-popup").hidden;
    const matches = JSON.parse($("command-popup").dataset.matches || "[]");
    if (popupOpen && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      state.popupIndex = (state.popupIndex + (event.key === "ArrowDown" ? 1 : -1) + matches.length) % Math.max(matches.length, 1);
      renderPopup();
    } else if (popupOpen && event.key === "Tab" && matches.length) {
      event.preventDefault();
      chooseCommand(matches[state.popupIndex]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      send();
    } else if (event.key === "Escape" || (event.key === "Backspace" && state.command && !event.target.value)) {
      resetComposer();
    }
  });
  $("command-form").addEventListener("input", onOptionInput);
  $("command-form").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); send(); }
    if (event.key === "Escape") resetComposer();
  });
  $("send").addEventListener("click", send);
  $("modal").addEventListener("submit", submitModal);
  $("modal").addEventListener("click", (event) => {
    if (event.target.closest(".cancel")) $("modal-backdrop").hidden = true;
  });
  $("advance-day").addEventListener("click", () => control("advance-day", {}));
  $("restart-bot").addEventListener("click", () => control("restart", {}));
  $("speed").addEventListener("change", (event) => control("speed", { minute_seconds: Number(event.target.value) }));
  setInterval(refreshTimestamps, 1000);
}

async function control(path, body) {
  showError("");
  try {
    const result = await post(path, body);
    for (const id of result.interaction_ids || []) {
      state.used.set(id, id === result.interaction_ids[0] ? "daily setup" : "daily now");
    }
    if (result.interaction_ids) addNotice(`Moved the cohort's start to ${result.start_date} as the organiser ` +
      "(/daily setup), then ran /daily now: tomorrow's prompt, today.");
  } catch (error) { showError(error.message); }
}

function switchTo(id) {
  state.me = id;
  if (state.command && !state.command.visible_to.includes(id)) resetComposer();
  renderSwitcher(); renderMembers(); renderMessages(); renderPopup();
  maybeShowModal();
}

function refreshTimestamps() {
  for (const span of document.querySelectorAll('.ts[data-style="R"]')) {
    span.textContent = Markdown.formatTimestamp(Number(span.dataset.unix), "R");
  }
}

bind();
loadState().then(connectEvents);
