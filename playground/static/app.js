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
    if (d.state === "crashed") addNotice(`The bot stopped: ${d.detail} (Restart bot tries again.)`);
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
  $("composer-input").addEventListener("input", (event) => {
    if (state.command && event.target.value.startsWith("/")) {  // a new "/" starts over
      const typed = event.target.value;
      resetComposer();
      event.target.value = typed;
    }
    state.popupIndex = 0;
    renderPopup();
  });
  $("command-form").addEventListener("focusout", (event) => {
    const holder = event.target.closest(".cmd-option");
    if (holder) holder.querySelectorAll(".suggestions").forEach((box) => box.remove());
  });
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
