// The customer's own page. The access token arrives in the URL fragment, is kept in this tab's session
// storage and sent to /graphql as a bearer token; everything shown is set as text, never as markup.
"use strict";
(() => {
  const TOKEN_KEY = "registry.customer-token";
  const texts = JSON.parse(document.getElementById("customer-texts").textContent);
  const lang = document.documentElement.lang;
  const status = document.getElementById("customer-status");
  const view = document.getElementById("customer-view");
  const accessForm = document.getElementById("customer-access");
  const when = new Intl.DateTimeFormat(lang === "da" ? "da-DK" : "en-GB",
    {dateStyle: "long", timeStyle: "short", timeZone: "Europe/Copenhagen"});

  const ME = `query($language: Language!) { me {
    customer { name }
    authorisedVersion
    authorisedSubprocessors(language: $language) { name purpose countryNames }
    pendingChanges { version { number effectiveAt note } notifiedAt deadline canObject objection { status }
                     changesInWords(language: $language) { added { name facts { label value } }
                       changed { name fields { label before after } } removed } }
    notices { versionNumber sentAt recipient acknowledgedAt }
    objections { id versionNumber legalRequirementId reason status outcome resolutionNote }
    legalRequirements { id legalBasis authority processing startsAt deadline canObject objection { status } }
    incidents { id acknowledgedAt inWords(language: $language) { facts { label value } updates { at text } } }
  } }`;
  const ACKNOWLEDGE = "mutation($n: Int!) { acknowledgeNotice(versionNumber: $n) { ok userErrors { message } } }";
  const OBJECT = `mutation($n: Int!, $reason: String!) { fileObjection(input: {versionNumber: $n, reason: $reason}) {
    objection { id } userErrors { message } } }`;
  const OBJECT_LEGAL = `mutation($id: Int!, $reason: String!) {
    fileObjection(input: {legalRequirementId: $id, reason: $reason}) { objection { id } userErrors { message } } }`;
  const WITHDRAW = "mutation($id: Int!) { withdrawObjection(id: $id) { objection { id } userErrors { message } } }";
  const ACKNOWLEDGE_INCIDENT = `mutation($id: Int!) { acknowledgeIncident(input: {id: $id}) {
    incident { id } userErrors { message } } }`;
  const WEBHOOKS = `{ webhookEndpoints(first: 20) { edges { node { id url eventTypes format verifiedAt pausedUntil
    deliveries(first: 1) { edges { node { eventType status createdAt } } } } } } }`;
  const REGISTER_WEBHOOK = `mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) {
    secret userErrors { message } } }`;
  const VERIFY_WEBHOOK = `mutation($id: Int!, $code: String!) { verifyWebhook(id: $id, challenge: $code) {
    endpoint { id } userErrors { message } } }`;
  const ROTATE_WEBHOOK = `mutation($id: Int!) { rotateWebhookSecret(id: $id, overlapHours: 24) {
    secret userErrors { message } } }`;
  const REMOVE_WEBHOOK = "mutation($id: Int!) { removeWebhook(id: $id) { ok userErrors { message } } }";
  const ACCESS = "mutation($email: String!) { requestCustomerAccess(email: $email) { ok userErrors { message } } }";

  const say = (template, values = {}) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
  const time = (iso) => when.format(new Date(iso));

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "on") node.addEventListener(value[0], value[1]);
      else node.setAttribute(name, value);
    }
    node.append(...children.filter((child) => child !== null && child !== undefined));
    return node;
  }

  function table(headings, rows) {
    return el("table", {class: "subprocessors"},
      el("thead", {}, el("tr", {}, ...headings.map((heading) => el("th", {scope: "col"}, heading)))),
      el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((cell) => el("td", {}, cell))))));
  }

  async function graphql(query, variables) {
    const headers = {"content-type": "application/json"};
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch("/graphql", {method: "POST", headers, body: JSON.stringify({query, variables})});
    const body = await response.json();
    if (body.errors) {
      const error = new Error(body.errors[0].message);
      error.code = body.errors[0].extensions?.code;
      throw error;
    }
    return body.data;
  }

  // Runs a mutation; its userErrors, or any failure, are announced and the view is read again.
  async function act(query, variables, field) {
    try {
      const errors = (await graphql(query, variables))[field].userErrors;
      status.textContent = errors.length ? say(texts.failed, {message: errors[0].message}) : texts.saved;
    } catch (error) {
      status.textContent = say(texts.failed, {message: error.message});
    }
    await load();
  }

  function pendingChange(change, notices) {
    const number = change.version.number;
    const notice = notices.find((record) => record.versionNumber === number);
    const words = change.changesInWords;
    const badge = (kind) => el("span", {class: `badge badge-${kind.toLowerCase()}`}, texts[kind]);
    const section = el("section", {class: "version version-pending", "aria-labelledby": `pending-${number}`},
      el("h3", {id: `pending-${number}`}, `Version ${number}`),
      el("p", {class: "note"}, change.version.note),
      el("ul", {class: "changes"},
        ...words.added.map((added) => el("li", {class: "change change-added"}, badge("ADDED"), " ", el("ins", {}, added.name),
          el("dl", {class: "entry-facts"}, ...added.facts.flatMap((fact) => [el("dt", {}, fact.label), el("dd", {}, fact.value)])))),
        ...words.changed.flatMap((entry) => entry.fields.map((field) => el("li", {class: "change change-changed"},
          badge("CHANGED"), ` ${entry.name}: `, el("strong", {}, field.label), " ",
          el("del", {}, field.before), " → ", el("ins", {}, field.after)))),
        ...words.removed.map((name) => el("li", {class: "change change-removed"}, badge("REMOVED"), " ", el("del", {}, name)))),
      el("dl", {class: "facts"},
        el("dt", {}, texts.takes_effect), el("dd", {}, time(change.version.effectiveAt)),
        el("dt", {}, texts.your_deadline), el("dd", {}, change.deadline ? time(change.deadline) : texts.not_notified)));
    // A withdrawn objection leaves the customer free to object again.
    if (change.objection && change.objection.status !== "WITHDRAWN") {
      section.append(el("p", {}, say(texts.objected, {status: texts[change.objection.status]})));
    } else if (notice?.acknowledgedAt) {
      section.append(el("p", {}, say(texts.acknowledged, {date: time(notice.acknowledgedAt)})));
    } else if (change.canObject) {
      const reason = el("textarea", {id: `reason-${number}`, rows: "4", required: "", maxlength: "4000"});
      section.append(
        el("p", {}, el("button", {type: "button", on: ["click", () => act(ACKNOWLEDGE, {n: number}, "acknowledgeNotice")]},
          texts.acknowledge)),
        el("form", {class: "objection", on: ["submit", (event) => {
          event.preventDefault();
          act(OBJECT, {n: number, reason: reason.value}, "fileObjection");
        }]},
          el("div", {class: "field"}, el("label", {for: `reason-${number}`}, say(texts.reason_label, {number})), reason),
          el("button", {type: "submit"}, texts.submit_objection)));
    }
    return section;
  }

  // One breach with every fact in words (times in Copenhagen time, from the server), its updates, and a form
  // to confirm receipt. Its id "incident-<id>" is where the breach notice's link leads.
  function incident(item) {
    const facts = (list) => el("dl", {class: "facts"},
      ...list.flatMap((fact) => [el("dt", {}, fact.label), el("dd", {class: "incident-fact"}, fact.value)]));
    const section = el("section", {class: "incident", id: `incident-${item.id}`, tabindex: "-1",
                                   "aria-labelledby": `incident-${item.id}-title`},
      el("h3", {id: `incident-${item.id}-title`}, say(texts.incident_title, {id: item.id})),
      facts(item.inWords.facts),
      el("h4", {}, texts.updates_heading),
      item.inWords.updates.length
        ? el("ol", {class: "incident-updates"}, ...item.inWords.updates.map((update) =>
          el("li", {}, el("p", {class: "meta"}, update.at), el("p", {class: "incident-update-text"}, update.text))))
        : el("p", {}, texts.no_updates));
    if (item.acknowledgedAt) {
      section.append(el("p", {}, texts.incident_acknowledged));
    } else {
      section.append(el("form", {class: "acknowledge-incident", on: ["submit", (event) => {
        event.preventDefault();
        act(ACKNOWLEDGE_INCIDENT, {id: item.id}, "acknowledgeIncident");
      }]}, el("button", {type: "submit"}, say(texts.acknowledge_incident, {id: item.id}))));
    }
    return section;
  }

  // A requirement of law told to the customer: its facts, their deadline and, while it is open, a form to object.
  function legalRequirement(requirement) {
    const id = requirement.id;
    const section = el("section", {class: "version", "aria-labelledby": `legal-${id}`},
      el("h3", {id: `legal-${id}`}, say(texts.legal_case, {number: id})),
      el("dl", {class: "facts"},
        el("dt", {}, texts.legal_basis), el("dd", {}, requirement.legalBasis),
        el("dt", {}, texts.authority), el("dd", {}, requirement.authority),
        el("dt", {}, texts.legal_processing), el("dd", {}, requirement.processing),
        el("dt", {}, texts.processing_starts), el("dd", {}, time(requirement.startsAt)),
        el("dt", {}, texts.your_deadline),
        el("dd", {}, requirement.deadline ? time(requirement.deadline) : texts.not_notified)));
    if (requirement.objection && requirement.objection.status !== "WITHDRAWN") {
      section.append(el("p", {}, say(texts.objected, {status: texts[requirement.objection.status]})));
    } else if (requirement.canObject) {
      const reason = el("textarea", {id: `legal-reason-${id}`, rows: "4", required: "", maxlength: "4000"});
      section.append(el("form", {class: "objection", on: ["submit", (event) => {
        event.preventDefault();
        act(OBJECT_LEGAL, {id, reason: reason.value}, "fileObjection");
      }]},
        el("div", {class: "field"}, el("label", {for: `legal-reason-${id}`}, say(texts.legal_reason_label, {number: id})),
          reason),
        el("button", {type: "submit"}, texts.submit_objection)));
    }
    return section;
  }

  // The downloads need the bearer token, which a plain link cannot carry: fetch the file, then hand it over.
  async function download(button) {
    try {
      const response = await fetch(button.dataset.path,
        {headers: {authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`}});
      if (!response.ok) throw new Error(await response.text());
      const link = el("a", {href: URL.createObjectURL(await response.blob()),
                            download: button.dataset.path.split("/").pop()});
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (error) {
      status.textContent = say(texts.failed, {message: error.message});
    }
  }

  function render(me) {
    const fill = (id, ...nodes) => document.getElementById(id).replaceChildren(...nodes);
    fill("customer-name", say(texts.for_customer, {customer: me.customer.name}));
    fill("customer-pending", ...(me.pendingChanges.length
      ? me.pendingChanges.map((change) => pendingChange(change, me.notices)) : [el("p", {}, texts.no_pending)]));
    fill("customer-legal", ...(me.legalRequirements.length
      ? me.legalRequirements.map(legalRequirement) : [el("p", {}, texts.no_legal)]));
    fill("customer-authorised",
      el("p", {}, say(texts.authorised_meta, {number: me.authorisedVersion ?? "–"})),
      table([texts.col_name, texts.col_purpose, texts.col_countries], me.authorisedSubprocessors.map((entry) =>
        [entry.name, entry.purpose, entry.countryNames.length ? entry.countryNames.join(", ") : texts.unknown])));
    fill("customer-notices", me.notices.length
      ? table([texts.col_version, texts.col_sent, texts.col_recipient],
        me.notices.map((notice) => [String(notice.versionNumber), time(notice.sentAt), notice.recipient]))
      : el("p", {}, texts.no_notices));
    fill("customer-objections", me.objections.length
      ? table([texts.col_version, texts.col_status, texts.col_reason, texts.col_decision, ""],
        me.objections.map((objection) => [
          objection.versionNumber === null ? say(texts.legal_case, {number: objection.legalRequirementId})
            : String(objection.versionNumber), texts[objection.status], objection.reason,
          objection.outcome ? `${texts[objection.outcome]}${objection.resolutionNote ? `: ${objection.resolutionNote}` : ""}` : "",
          ["RECEIVED", "ACKNOWLEDGED"].includes(objection.status)
            ? el("button", {type: "button", on: ["click", () => act(WITHDRAW, {id: objection.id}, "withdrawObjection")]},
              objection.versionNumber === null ? say(texts.withdraw_legal, {number: objection.legalRequirementId})
                : say(texts.withdraw, {number: objection.versionNumber}))
            : ""]))
      : el("p", {}, texts.no_objections));
    fill("customer-incidents", ...(me.incidents.length
      ? me.incidents.map(incident) : [el("p", {}, texts.no_incidents)]));
  }

  // The breach notice links to /customer#access_token=…&incident=<id>: show that incident once loaded.
  function showIncident(id) {
    const section = /^[0-9]{1,10}$/.test(id ?? "") && document.getElementById(`incident-${id}`);
    if (!section) return;
    history.replaceState(null, "", `${location.pathname}${location.search}#incident-${id}`);
    section.scrollIntoView();
    section.focus({preventScroll: true});
  }

  // A secret is shown once, right after it is made; the next load of the page no longer has it.
  async function makeSecret(query, variables, field) {
    const secretNote = document.getElementById("webhook-secret");
    try {
      const answer = (await graphql(query, variables))[field];
      if (answer.userErrors.length) {
        status.textContent = say(texts.failed, {message: answer.userErrors[0].message});
      } else {
        status.textContent = texts.saved;
        secretNote.textContent = say(texts.webhook_secret, {secret: answer.secret});
        secretNote.hidden = false;
      }
    } catch (error) {
      status.textContent = say(texts.failed, {message: error.message});
    }
    await loadWebhooks();
  }

  function webhookState(endpoint) {
    const cell = el("div", {});
    const last = endpoint.deliveries.edges[0]?.node;
    cell.append(el("p", {}, endpoint.verifiedAt ? texts.webhook_verified : texts.webhook_unverified));
    if (endpoint.pausedUntil) cell.append(el("p", {}, say(texts.webhook_paused, {date: time(endpoint.pausedUntil)})));
    if (last) {
      cell.append(el("p", {}, say(texts.webhook_last, {event: last.eventType,
        status: texts.webhook_delivery_status[last.status], date: time(last.createdAt)})));
    }
    if (!endpoint.verifiedAt && endpoint.format !== "STANDARD") {
      const code = el("input", {id: `webhook-code-${endpoint.id}`, required: "", maxlength: "100"});
      cell.append(el("form", {class: "webhook-verify", on: ["submit", (event) => {
        event.preventDefault();
        act(VERIFY_WEBHOOK, {id: endpoint.id, code: code.value}, "verifyWebhook").then(loadWebhooks);
      }]}, el("label", {for: `webhook-code-${endpoint.id}`}, texts.webhook_code), code,
        el("button", {type: "submit"}, texts.webhook_confirm)));
    }
    cell.append(
      el("button", {type: "button", on: ["click", () => makeSecret(ROTATE_WEBHOOK, {id: endpoint.id}, "rotateWebhookSecret")]},
        texts.webhook_rotate), " ",
      el("button", {type: "button", on: ["click", () => act(REMOVE_WEBHOOK, {id: endpoint.id}, "removeWebhook").then(loadWebhooks)]},
        texts.webhook_remove));
    return cell;
  }

  async function loadWebhooks() {
    const endpoints = (await graphql(WEBHOOKS, {})).webhookEndpoints.edges.map((edge) => edge.node);
    const names = texts.webhook_event_names;
    document.getElementById("customer-webhooks").replaceChildren(endpoints.length
      ? table([texts.col_url, texts.webhook_events, texts.col_webhook_state], endpoints.map((endpoint) => [
        endpoint.url, endpoint.eventTypes.map((type) => names[type]).join(", "), webhookState(endpoint)]))
      : el("p", {}, texts.webhook_none));
  }

  document.getElementById("webhook-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const eventTypes = [...form.elements.events].filter((box) => box.checked).map((box) => box.value);
    makeSecret(REGISTER_WEBHOOK, {input: {url: form.elements.url.value, eventTypes, format: form.elements.format.value,
      language: lang.toUpperCase()}}, "registerWebhook");
  });

  function askForLink(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    view.hidden = true;
    accessForm.hidden = false;
    status.textContent = message;
  }

  async function load() {
    try {
      render((await graphql(ME, {language: lang.toUpperCase()})).me);
      await loadWebhooks();
      view.hidden = false;
    } catch (error) {
      if (error.code === "FORBIDDEN") askForLink(texts.expired);
      else status.textContent = say(texts.failed, {message: error.message});
    }
  }

  accessForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const answer = (await graphql(ACCESS, {email: accessForm.elements.email.value})).requestCustomerAccess;
      status.textContent = answer.ok ? texts.link_sent : say(texts.failed, {message: answer.userErrors[0].message});
    } catch (error) {
      status.textContent = say(texts.failed, {message: error.message});
    }
  });
  for (const id of ["incidents-json", "incidents-csv"]) {
    const button = document.getElementById(id);
    button.addEventListener("click", () => download(button));
  }
  document.getElementById("customer-sign-out").addEventListener("click", () => askForLink(texts.signed_out));

  // Read before the token is taken out of the address bar; a reload keeps "#incident-<id>" itself.
  const fragment = new URLSearchParams(location.hash.slice(1));
  const wanted = fragment.get("incident") ?? location.hash.match(/^#incident-([0-9]+)$/)?.[1];
  if (takeFragmentToken("access_token", TOKEN_KEY)) {
    status.textContent = texts.loading;
    load().then(() => {
      if (view.hidden) return;
      status.textContent = "";
      showIncident(wanted);
    });
  } else {
    askForLink(texts.expired);
  }
})();
