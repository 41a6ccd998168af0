/* Where the kaart JSON API lives: the one place the viewer's scripts build API URLs.
   KAART_API_BASE equals api.urls.API_BASE (tests/api/test_api_regels.py checks it).
   Use: kaartApi.url("/objecten/" + encodeURIComponent(kaartId)) -> "/api/v1/objecten/...". */
(function () {
  "use strict";
  var KAART_API_BASE = "/api/v1";
  window.kaartApi = {
    base: KAART_API_BASE,
    url: function (path) {
      var tail = String(path).replace(/^\/+|\/+$/g, "");
      return tail ? KAART_API_BASE + "/" + tail : KAART_API_BASE;
    }
  };
})();
