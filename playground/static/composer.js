// The message box and forms: the "/" command picker with its options and the bot's
// autocomplete, sending messages and commands, and the bot's modals.
"use strict";

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

