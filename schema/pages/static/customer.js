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
  } }`;
  const ACKNOWLEDGE = "mutation($n: Int!) { acknowledgeNotice(versionNumber: $n) { ok userErrors { message } } }";
  const OBJECT = `mutation($n: Int!, $reason: String!) { fileObjection(input: {versionNumber: $n, reason: $reason}) {
    objection { id } userErrors { message } } }`;
  const OBJECT_LEGAL = `mutation($id: Int!, $reason: String!) {
    fileObjection(input: {legalRequirementId: $id, reason: $reason}) { objection { id } userErrors { message } } }`;
  const WITHDRAW = "mutation($id: Int!) { withdrawObjection(id: $id) { objection { id } userErrors { message } } }";
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
  }

  function askForLink(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    view.hidden = true;
    accessForm.hidden = false;
    status.textContent = message;
  }

  async function load() {
    try {
      render((await graphql(ME, {language: lang.toUpperCase()})).me);
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
  document.getElementById("customer-sign-out").addEventListener("click", () => askForLink(texts.signed_out));

  if (takeFragmentToken("access_token", TOKEN_KEY)) {
    status.textContent = texts.loading;
    load().then(() => { if (!view.hidden) status.textContent = ""; });
  } else {
    askForLink(texts.expired);
  }
})();
