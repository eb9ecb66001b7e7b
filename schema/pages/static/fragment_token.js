// For the pages that call /graphql with a token from a link: the token arrives in the URL fragment
// (#name=...), is kept in this tab's session storage and read from there afterwards.
"use strict";
function takeFragmentToken(parameter, storageKey) {
  const fresh = new URLSearchParams(location.hash.slice(1)).get(parameter);
  if (fresh) {
    sessionStorage.setItem(storageKey, fresh);
    // Out of the address bar and the history, so it is not bookmarked, shared or shown on screen.
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(storageKey);
}
