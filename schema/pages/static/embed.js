/*
 * Sub-processor registry embed. Put this on a page of your own website:
 *
 *   <div id="subprocessors"></div>
 *   <script src="https://REGISTRY/embed.js" data-target="#subprocessors" data-lang="da"
 *           data-sections="list,pending,history,subscribe" async></script>
 *
 * Options (data attributes on the script tag):
 *   data-lang            "da" (default) or "en"
 *   data-sections        comma-separated, in the order shown: list, pending, history, subscribe (default: all)
 *   data-target          CSS selector of the element to render into (default: a new element after the script)
 *   data-heading-level   level of the section headings, 2 to 5 (default 2)
 *
 * The host page's origin must be listed in the registry's REGISTRY_CORS_ORIGINS.
 * Plain JavaScript without dependencies. Data is only ever set with textContent and DOM APIs, never as markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch) { return; }

  var REGISTRY = script.src.replace(/\/embed\.js(?:[?#].*)?$/, "");
  var SECTIONS = ["list", "pending", "history", "subscribe"];
  var HISTORY_LENGTH = 20;
  var lang = script.getAttribute("data-lang") === "en" ? "en" : "da";
  var sections = (script.getAttribute("data-sections") || SECTIONS.join(","))
    .split(",").map(function (name) { return name.trim(); })
    .filter(function (name, index, all) { return SECTIONS.indexOf(name) >= 0 && all.indexOf(name) === index; });
  var level = Math.min(5, Math.max(2, parseInt(script.getAttribute("data-heading-level"), 10) || 2));
  var pageUrl = REGISTRY + "/subprocessors?lang=" + lang;

  var TEXTS = {
    da: {
      list: "Underdatabehandlere", pending: "Varslede ændringer", history: "Historik",
      subscribe: "Få besked om ændringer", loading: "Henter listen over underdatabehandlere …",
      failed: "Listen kunne ikke hentes her. Se den på ", failedLink: "registrets egen side",
      name: "Navn", purpose: "Formål", countries: "Lande", mechanism: "Overførselsgrundlag", services: "Ydelser",
      unknown: "Ukendt", allServices: "Alle ydelser", empty: "(tom)", noList: "Der er endnu ikke offentliggjort nogen liste.",
      noPending: "Ingen ændringer er varslet.", version: "Version ", takesEffect: "Træder i kraft",
      deadline: "Frist for indsigelse", noWindow: "Ingen – ændringen tilføjer ingen underdatabehandler og ændrer ikke, hvor, hvordan eller hvorfor data behandles.",
      published: "Offentliggjort", withdrawnReason: "Begrundelse for tilbagetrækning",
      changes: "Ændringer", added: "Tilføjet", removed: "Fjernet", changed: "Ændret", before: "Før: ", after: "Efter: ",
      PENDING: "Varslet", EFFECTIVE: "Gældende", SUPERSEDED: "Erstattet", WITHDRAWN: "Trukket tilbage",
      subscribeIntro: "Skriv dig op, så sender vi en e-mail, når listen ændres. Du bekræfter din adresse via et link, som vi sender til dig.",
      email: "E-mailadresse", emailLanguage: "Sprog i e-mails", submit: "Tilmeld",
      chooseServices: "Ydelser, du vil have besked om",
      servicesHint: "Vælg ingen for at få besked om alle ændringer. Vælger du ydelser, får du kun besked om versioner, der tilføjer en underdatabehandler til dem eller ændrer, hvor, hvordan eller hvorfor en af deres underdatabehandlere behandler data.",
      inbox: "Tjek din indbakke: hvis adressen kan modtage e-mails fra os, har vi sendt et link, som bekræfter tilmeldingen.",
      subscribeFailed: "Tilmeldingen blev ikke gennemført.", subscribeElsewhere: "Tilmeld dig på ",
      more: "Hele historikken og databehandleraftalen: ",
      letters: "Underdatabehandlere efter forbogstav",
      showing: "Viser {shown} af {total} underdatabehandlere: dem, hvis navn begynder med {letter}.",
      fields: { name: "Navn", legalEntity: "Juridisk enhed", purposeDa: "Formål (dansk)", purposeEn: "Formål (engelsk)",
        dataCategories: "Kategorier af personoplysninger", countries: "Lande", transferMechanism: "Overførselsgrundlag",
        services: "Ydelser", website: "Websted" },
      mechanisms: { EEA: "Inden for EU/EØS", ADEQUACY: "Tilstrækkelighedsafgørelse", DPF: "EU-US Data Privacy Framework",
        SCC: "Standardkontraktbestemmelser (SCC)", BCR: "Bindende virksomhedsregler (BCR)", UNKNOWN: "Ukendt" }
    },
    en: {
      list: "Sub-processors", pending: "Announced changes", history: "History",
      subscribe: "Get notified of changes", loading: "Loading the list of sub-processors …",
      failed: "The list could not be loaded here. See it on ", failedLink: "the registry's own page",
      name: "Name", purpose: "Purpose", countries: "Countries", mechanism: "Transfer mechanism", services: "Services",
      unknown: "Unknown", allServices: "All services", empty: "(empty)", noList: "No list has been published yet.",
      noPending: "No changes are announced.", version: "Version ", takesEffect: "Takes effect",
      deadline: "Deadline for objections", noWindow: "None – the change adds no sub-processor and does not change where, how or why data is processed.",
      published: "Published", withdrawnReason: "Reason for withdrawal",
      changes: "Changes", added: "Added", removed: "Removed", changed: "Changed", before: "Before: ", after: "After: ",
      PENDING: "Announced", EFFECTIVE: "In effect", SUPERSEDED: "Superseded", WITHDRAWN: "Withdrawn",
      subscribeIntro: "Sign up and we will email you when the list changes. You confirm your address through a link we send you.",
      email: "Email address", emailLanguage: "Language of the emails", submit: "Subscribe",
      chooseServices: "Services to hear about",
      servicesHint: "Choose none to hear of every change. With services chosen you hear only of versions that add a sub-processor to them or change where, how or why one of their sub-processors processes data.",
      inbox: "Check your inbox: if the address can receive email from us, we have sent a link that confirms the subscription.",
      subscribeFailed: "The subscription was not completed.", subscribeElsewhere: "Subscribe on ",
      more: "The full history and the data processing agreement: ",
      letters: "Sub-processors by initial letter",
      showing: "Showing {shown} of {total} sub-processors: those whose name begins with {letter}.",
      fields: { name: "Name", legalEntity: "Legal entity", purposeDa: "Purpose (Danish)", purposeEn: "Purpose (English)",
        dataCategories: "Categories of personal data", countries: "Countries", transferMechanism: "Transfer mechanism",
        services: "Services", website: "Website" },
      mechanisms: { EEA: "Within the EU/EEA", ADEQUACY: "Adequacy decision", DPF: "EU-US Data Privacy Framework",
        SCC: "Standard contractual clauses (SCC)", BCR: "Binding corporate rules (BCR)", UNKNOWN: "Unknown" }
    }
  };
  var t = TEXTS[lang];

  // The list as the registry's own page shows it: whole up to 100 entries, else one initial letter at a time,
  // so a long list costs the embed one letter's entries (the first, then each letter the reader picks).
  var INDEX = "subprocessorIndex(language: $language, letter: $letter) { total letters letter" +
    " subprocessors { name legalEntity purpose countries transferMechanism services website } }";
  var QUERY = "query RegistryEmbed($language: Language!, $letter: String) { " + INDEX +
    " subprocessorServices" +
    " registryVersions(first: " + HISTORY_LENGTH + ") { edges { node { number status publishedAt effectiveAt" +
    " objectionDeadline note withdrawalReason changes { kind name field before after } } } } }";
  var LETTER_QUERY = "query RegistryEmbedLetter($language: Language!, $letter: String) { " + INDEX + " }";
  // Whether the registry offers Mutation.subscribe(input: ...), and the input type's name, asked of the schema.
  var MUTATIONS_QUERY = "query RegistryEmbedMutations { __type(name: \"Mutation\") {" +
    " fields { name args { name type { name ofType { name } } } } } }";

  function subscribeMutation(inputType) {
    return "mutation RegistryEmbedSubscribe($input: " + inputType + "!) {" +
      " subscribe(input: $input) { userErrors { field message code } } }";
  }

  var CSS = ".spr-embed{font:inherit;line-height:1.5}" +
    ".spr-embed table{width:100%;border-collapse:collapse}" +
    ".spr-embed .spr-letters{display:flex;flex-wrap:wrap;gap:.25em}" +
    ".spr-embed .spr-letters button{min-width:2.75em;min-height:2.75em}" +
    ".spr-embed .spr-letters button[aria-pressed=true]{font-weight:bold;text-decoration:underline}" +
    ".spr-embed th,.spr-embed td{text-align:left;vertical-align:top;padding:.4em;border-bottom:1px solid #ccd3d9}" +
    ".spr-embed thead th{background:#eef2f5;color:#1b1b1b}" +
    ".spr-embed .spr-unknown{font-style:italic}" +
    ".spr-embed td:last-child{min-width:7em}.spr-embed summary{cursor:pointer}" +
    ".spr-embed ins{background:#d8f0df;color:#0e4a22;text-decoration:none}" +
    ".spr-embed del{background:#f8dcdc;color:#7a1111}" +
    ".spr-embed .spr-badge{font-weight:700;margin-right:.4em}" +
    ".spr-embed dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}" +
    ".spr-embed dt{font-weight:700}.spr-embed dd{margin:0}" +
    ".spr-embed label,.spr-embed legend{display:block;font-weight:700}" +
    ".spr-embed fieldset{border:0;padding:0;margin:.5em 0}" +
    ".spr-embed fieldset label{display:inline-block;font-weight:400;margin-right:1em}" +
    ".spr-embed .spr-hint{margin:0 0 .25em}" +
    ".spr-embed input[type=email]{font:inherit;padding:.4em;min-height:2.5em;width:100%;max-width:24em}" +
    ".spr-embed button{font:inherit;font-weight:700;min-height:2.5em;padding:.4em 1em}" +
    ".spr-embed :focus-visible{outline:3px solid #ffbf47;box-shadow:0 0 0 6px #1b1b1b}" +
    "@media (max-width:40em){.spr-embed thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
    ".spr-embed table,.spr-embed tbody,.spr-embed tr,.spr-embed th,.spr-embed td{display:block;width:100%}" +
    ".spr-embed tr{border:1px solid #ccd3d9;margin-bottom:.6em}.spr-embed th,.spr-embed td{border:0}" +
    ".spr-embed td::before{content:attr(data-label) \": \";font-weight:700}" +
    ".spr-embed dl{grid-template-columns:1fr}}";

  var dateFormat = new Intl.DateTimeFormat(lang === "da" ? "da-DK" : "en-GB", {
    timeZone: "Europe/Copenhagen", year: "numeric", month: "long", day: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  var regionNames = window.Intl && Intl.DisplayNames ? new Intl.DisplayNames([lang], { type: "region" }) : null;

  // --- building blocks: every text goes through createTextNode ---------------------------------------

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function heading(text, offset) { return el("h" + Math.min(6, level + (offset || 0)), {}, [text]); }

  function link(href, text) { return el("a", { href: href }, [text]); }

  function when(iso) { return el("time", { datetime: iso }, [dateFormat.format(new Date(iso))]); }

  function country(code) {
    try { return (regionNames && regionNames.of(code)) || code; } catch (error) { return code; }
  }

  function valueText(field, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) { return t.empty; }
    if (field === "countries") { return value.map(country).join(", "); }
    if (field === "transferMechanism") { return t.mechanisms[value] || String(value); }
    return Array.isArray(value) ? value.join(", ") : String(value);
  }

  function unknown() { return el("span", { "class": "spr-unknown" }, [t.unknown]); }

  // --- sections ----------------------------------------------------------------------------------------

  function listRows(subprocessors) {
    return subprocessors.map(function (entry) {
      var safeSite = entry.website && /^https?:\/\//i.test(entry.website);
      var name = el("th", { scope: "row", "data-label": t.name }, [safeSite ? link(entry.website, entry.name) : entry.name]);
      return el("tr", {}, [
        name,
        el("td", { "data-label": t.purpose }, [entry.purpose]),
        el("td", { "data-label": t.countries }, [entry.countries.length ? entry.countries.map(country).join(", ") : unknown()]),
        el("td", { "data-label": t.mechanism }, [entry.transferMechanism === "UNKNOWN" ? unknown() : t.mechanisms[entry.transferMechanism] || entry.transferMechanism]),
        el("td", { "data-label": t.services }, [entry.services.length ? entry.services.join(", ") : t.allServices])
      ]);
    });
  }

  function letterPicker(index, body) {
    var status = el("p", { "class": "spr-showing", role: "status" }, []);
    var asked = index.letter;
    var buttons = index.letters.map(function (letter) {
      var button = el("button", { type: "button", "aria-pressed": "false" }, [letter]);
      button.addEventListener("click", function () { choose(letter); });
      return button;
    });
    function show(shown) {
      body.replaceChildren.apply(body, listRows(shown.subprocessors));
      buttons.forEach(function (button) { button.setAttribute("aria-pressed", String(button.textContent === shown.letter)); });
      status.textContent = t.showing.replace("{shown}", shown.subprocessors.length).replace("{total}", shown.total)
        .replace("{letter}", shown.letter);
    }
    function choose(letter) {
      asked = letter;
      get(LETTER_QUERY, { language: lang.toUpperCase(), letter: letter }).then(function (result) {
        var shown = result.data && result.data.subprocessorIndex;
        if (!shown) { throw new Error("no index"); }
        if (letter === asked) { show(shown); }  // a slower answer to an earlier click must not replace this one
      }).catch(function () {
        if (letter === asked) { status.replaceChildren(t.failed, link(pageUrl, t.failedLink), "."); }
      });
    }
    show(index);
    return [el("nav", { "class": "spr-letters", "aria-label": t.letters }, buttons), status];
  }

  function listSection(index) {
    var section = el("section", { "class": "spr-list" }, [heading(t.list)]);
    if (!index.total) { section.appendChild(el("p", {}, [t.noList])); return section; }
    var head = el("tr", {}, [t.name, t.purpose, t.countries, t.mechanism, t.services].map(function (label) {
      return el("th", { scope: "col" }, [label]);
    }));
    var body = el("tbody", {}, listRows(index.subprocessors));
    if (index.letter !== null) {
      letterPicker(index, body).forEach(function (part) { section.appendChild(part); });
    }
    section.appendChild(el("table", {}, [el("thead", {}, [head]), body]));
    return section;
  }

  function changeList(changes) {
    return el("ul", { "class": "spr-changes" }, changes.map(function (change) {
      if (change.kind === "ADDED") {
        return el("li", { "class": "spr-added" }, [el("span", { "class": "spr-badge" }, [t.added]), el("ins", {}, [change.name])]);
      }
      if (change.kind === "REMOVED") {
        return el("li", { "class": "spr-removed" }, [el("span", { "class": "spr-badge" }, [t.removed]), el("del", {}, [change.name])]);
      }
      return el("li", { "class": "spr-changed" }, [
        el("span", { "class": "spr-badge" }, [t.changed]), change.name + ": ",
        el("strong", {}, [t.fields[change.field] || change.field]), " ",
        el("del", { "aria-label": t.before + valueText(change.field, change.before) }, [valueText(change.field, change.before)]),
        " → ",
        el("ins", { "aria-label": t.after + valueText(change.field, change.after) }, [valueText(change.field, change.after)])
      ]);
    }));
  }

  function versionFacts(version, withDeadline) {
    var facts = [el("dt", {}, [t.takesEffect]), el("dd", {}, [when(version.effectiveAt)])];
    if (withDeadline) {
      facts.push(el("dt", {}, [t.deadline]), el("dd", {}, [version.objectionDeadline ? when(version.objectionDeadline) : t.noWindow]));
    }
    facts.push(el("dt", {}, [t.published]), el("dd", {}, [when(version.publishedAt)]));
    if (version.withdrawalReason) { facts.push(el("dt", {}, [t.withdrawnReason]), el("dd", {}, [version.withdrawalReason])); }
    return el("dl", {}, facts);
  }

  function versionArticle(version, withDeadline) {
    return el("article", { "class": "spr-version spr-status-" + version.status.toLowerCase() }, [
      heading(t.version + version.number + " – " + (t[version.status] || version.status), 1),
      versionFacts(version, withDeadline),
      el("p", {}, [version.note]),
      changeList(version.changes)
    ]);
  }

  function pendingSection(versions) {
    var pending = versions.filter(function (version) { return version.status === "PENDING"; }).reverse();
    var section = el("section", { "class": "spr-pending" }, [heading(t.pending)]);
    if (!pending.length) { section.appendChild(el("p", {}, [t.noPending])); }
    pending.forEach(function (version) { section.appendChild(versionArticle(version, true)); });
    return section;
  }

  function historySection(versions) {
    var section = el("section", { "class": "spr-history" }, [heading(t.history)]);
    versions.forEach(function (version, index) {
      var article = versionArticle(version, false);
      var changes = article.lastChild;
      var details = el("details", {}, [el("summary", {}, [t.changes + " (" + version.changes.length + ")"]), changes]);
      details.open = index === 0;
      article.appendChild(details);
      section.appendChild(article);
    });
    section.appendChild(el("p", {}, [t.more, link(pageUrl, pageUrl)]));
    return section;
  }

  var formCount = 0;

  function servicesFieldset(services) {
    // Checkboxes of the services the list names; none ticked means every change.
    var hintId = "spr-services-hint-" + formCount;
    var boxes = services.map(function (service) {
      return el("label", {}, [el("input", { type: "checkbox", name: "spr-services-" + formCount, value: service }), " " + service]);
    });
    var fieldset = el("fieldset", { "aria-describedby": hintId },
      [el("legend", {}, [t.chooseServices]), el("p", { id: hintId, "class": "spr-hint" }, [t.servicesHint])].concat(boxes));
    fieldset.chosen = function () {
      return boxes.map(function (label) { return label.firstChild; })
        .filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    };
    return fieldset;
  }

  function subscribeSection(inputType, services) {
    var section = el("section", { "class": "spr-subscribe" }, [heading(t.subscribe)]);
    if (!inputType) {
      section.appendChild(el("p", {}, [t.subscribeElsewhere, link(pageUrl + "#subscribe", pageUrl)]));
      return section;
    }
    var id = "spr-email-" + (++formCount);
    var input = el("input", { id: id, name: "email", type: "email", required: "", maxlength: "320", autocomplete: "email" });
    var choices = ["da", "en"].map(function (code) {
      var radio = el("input", { type: "radio", name: "spr-language-" + formCount, value: code });
      radio.checked = code === lang;
      return el("label", { lang: code }, [radio, " " + (code === "da" ? "Dansk" : "English")]);
    });
    var status = el("div", { role: "status", "aria-live": "polite", "class": "spr-status" }, []);
    var serviceChoice = services.length ? servicesFieldset(services) : null;
    var form = el("form", { "class": "spr-form", novalidate: "" }, [
      el("p", {}, [t.subscribeIntro]),
      el("label", { "for": id }, [t.email]), input,
      el("fieldset", {}, [el("legend", {}, [t.emailLanguage])].concat(choices))
    ].concat(serviceChoice ? [serviceChoice] : [], [
      el("button", { type: "submit" }, [t.submit]),
      status
    ]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.checkValidity()) { input.reportValidity(); return; }
      var chosen = choices.map(function (label) { return label.firstChild; }).filter(function (radio) { return radio.checked; })[0];
      status.textContent = "";
      var subscription = { email: input.value, language: (chosen ? chosen.value : lang).toUpperCase() };
      if (serviceChoice) { subscription.services = serviceChoice.chosen(); }
      post(subscribeMutation(inputType), { input: subscription })
        .then(function (result) {
          var payload = result.data && result.data.subscribe;
          if (!payload) { throw new Error("no subscribe payload"); }
          if (payload.userErrors && payload.userErrors.length) {
            status.appendChild(el("p", { role: "alert" }, [t.subscribeFailed]));
            status.appendChild(el("ul", {}, payload.userErrors.map(function (problem) { return el("li", {}, [problem.message]); })));
            return;
          }
          form.reset();
          choices.forEach(function (label) { label.firstChild.checked = label.firstChild.value === lang; });
          status.appendChild(el("p", {}, [t.inbox]));
        })
        .catch(function () {
          status.appendChild(el("p", { role: "alert" }, [t.subscribeFailed + " " + t.subscribeElsewhere, link(pageUrl + "#subscribe", pageUrl)]));
        });
    });
    section.appendChild(form);
    return section;
  }

  // --- talking to the registry ----------------------------------------------------------------------

  function get(query, variables) {
    // A GET with only safelisted headers: no preflight, and caches may keep the answer.
    var url = REGISTRY + "/graphql?query=" + encodeURIComponent(query) +
      (variables ? "&variables=" + encodeURIComponent(JSON.stringify(variables)) : "");
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" }).then(answer);
  }

  function post(query, variables) {
    return fetch(REGISTRY + "/graphql", {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query: query, variables: variables })
    }).then(answer);
  }

  function answer(response) {
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    return response.json();
  }

  function subscribeInputType() {
    // The input type's name, or null when this registry takes no subscriptions (the form then links to the page).
    return get(MUTATIONS_QUERY).then(function (result) {
      var type = result.data && result.data.__type;
      var field = type && type.fields.filter(function (candidate) { return candidate.name === "subscribe"; })[0];
      var input = field && field.args.filter(function (arg) { return arg.name === "input"; })[0];
      var name = input && (input.type.name || (input.type.ofType && input.type.ofType.name));
      return name && /^[_A-Za-z][_0-9A-Za-z]*$/.test(name) ? name : null;
    }, function () { return null; });
  }

  // --- putting it on the page -----------------------------------------------------------------------

  function targetElement() {
    var selector = script.getAttribute("data-target");
    try { return selector ? document.querySelector(selector) : null; } catch (error) { return null; }
  }

  function mount() {
    var host = targetElement();
    if (!host) {
      host = document.createElement("div");
      script.parentNode.insertBefore(host, script.nextSibling);
    }
    if (!document.getElementById("spr-embed-style")) {
      var style = el("style", { id: "spr-embed-style" }, [CSS]);
      document.head.appendChild(style);
    }
    var root = el("div", { "class": "spr-embed", lang: lang, "data-state": "loading", "aria-busy": "true" }, [el("p", {}, [t.loading])]);
    host.replaceChildren(root);

    var wantsSubscribe = sections.indexOf("subscribe") >= 0;
    Promise.all([get(QUERY, { language: lang.toUpperCase() }), wantsSubscribe ? subscribeInputType() : null])
      .then(function (results) {
        var result = results[0];
        if (!result.data) { throw new Error("no data"); }
        var versions = result.data.registryVersions.edges.map(function (edge) { return edge.node; });
        var built = sections.map(function (name) {
          if (name === "list") { return listSection(result.data.subprocessorIndex); }
          if (name === "pending") { return pendingSection(versions); }
          if (name === "history") { return historySection(versions); }
          return subscribeSection(results[1], result.data.subprocessorServices || []);
        });
        root.replaceChildren.apply(root, built);
        root.setAttribute("data-state", "ready");
        root.removeAttribute("aria-busy");
      })
      .catch(function () {
        root.replaceChildren(el("p", {}, [t.failed, link(pageUrl, t.failedLink), "."]));
        root.setAttribute("data-state", "error");
        root.removeAttribute("aria-busy");
      });
  }

  if (script.getAttribute("data-target") && !targetElement() && document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
}());
