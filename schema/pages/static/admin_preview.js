// The admins' preview page. The admin token arrives in the URL fragment (or is typed into a password field),
// is kept in this tab's session storage and sent to /graphql as a bearer token. Text is set as text; each
// email's HTML is shown in a sandboxed frame that may run nothing.
"use strict";
(() => {
  const TOKEN_KEY = "registry.admin-token";
  const PREVIEW = `query($note: String!, $days: Int) { draftNoticePreview(note: $note, noticeDays: $days) {
    versionNumber effectiveAt
    audiences { audience language recipients customerName servicesTouched subject text html } } }`;
  const form = document.getElementById("preview-form");
  const tokenField = document.getElementById("preview-token-field");
  const status = document.getElementById("preview-status");
  const output = document.getElementById("preview-audiences");

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  function audience(entry) {
    const who = entry.audience === "SUBSCRIBER" ? "Subscribers"
      : `${entry.customerName} (services touched: ${entry.servicesTouched ? "yes" : "no"})`;
    const frame = el("iframe", {sandbox: "", title: `${who}, ${entry.language}: HTML`, class: "preview-html",
                                style: "width: 100%; height: 420px; border: 1px solid #ccc;"});
    frame.srcdoc = entry.html;
    return el("section", {class: "preview-audience"},
      el("h2", {}, `${who} · ${entry.language.toLowerCase()} · ${entry.recipients} recipient(s)`),
      el("p", {}, el("strong", {}, "Subject: "), entry.subject),
      el("pre", {class: "preview-text", style: "white-space: pre-wrap; overflow-wrap: anywhere;"}, entry.text),
      frame);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.elements.token.value) sessionStorage.setItem(TOKEN_KEY, form.elements.token.value);
    const days = form.elements.days.value;
    status.textContent = "Rendering…";
    try {
      const response = await fetch("/graphql", {method: "POST",
        headers: {"content-type": "application/json", authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`},
        body: JSON.stringify({query: PREVIEW, variables: {note: form.elements.note.value,
                                                          days: days === "" ? null : Number(days)}})});
      const body = await response.json();
      if (body.errors) {
        if (body.errors[0].extensions?.code === "FORBIDDEN") tokenField.hidden = false;
        throw new Error(body.errors[0].message);
      }
      const preview = body.data.draftNoticePreview;
      status.textContent = `Version ${preview.versionNumber}, in effect ${new Date(preview.effectiveAt).toString()}`;
      output.replaceChildren(...preview.audiences.map(audience));
    } catch (error) {
      output.replaceChildren();
      status.textContent = `Not possible: ${error.message}`;
    }
  });

  if (!takeFragmentToken("admin_token", TOKEN_KEY)) tokenField.hidden = false;
})();
