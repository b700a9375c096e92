App.prototype.start = function () {
  var self = this, t0 = performance.now();
  this.buildSidebar();
  this.buildSkipLink(); // skiplink.js
  var sel = this.readHash();
  this.syncControls();
  this.map.invalidateSize();
  this.map.fitBounds(this.dataBounds(), { animate: false, padding: [10, 10] });
  this.result = []; this.visible = new Uint8Array(this.n); this.pos = new Int32Array(this.n).fill(-1);
  this.buildMap();
  this._restoring = true;
  this.apply();
  this._restoring = false;
  if (sel !== null && this.index[sel] !== undefined) this.select(this.index[sel], { fly: true, instant: true, popup: true, scroll: true });
  else this.writeHash();
  window.addEventListener('hashchange', function () {
    if (location.hash.replace(/^#/, '') === self._lastHash) return;
    var s2 = self.readHash();
    self.syncControls();
    self.apply();
    if (s2 !== null && self.index[s2] !== undefined) self.select(self.index[s2], { fly: true, instant: true, popup: true, scroll: true });
    else if (s2 === null && self.sel >= 0) self.select(-1);
  });
  this._chineseControls();
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Escape') return;
    if (!document.getElementById('lk-compare').hidden) { document.getElementById('lk-compare').hidden = true; return; }
    if (self.sel >= 0) {
      var back = self.listEl.querySelector('.lk-card[data-key="' + CSS.escape(self.keys[self.sel]) + '"]');
      self.select(-1);
      if (back) back.focus();
    }
  });
  this.map.on('popupclose', function () { if (self.sel >= 0 && !self._reopening) { self.sel = -1; self.layer.redraw(); self.writeHash(); } });
  this.readyMs = performance.now() - t0;
  document.body.setAttribute('data-landkit-ready', '1');
  this.prepareIdle();
};

/* Leaflet's own control titles are English: give them Chinese titles (and labels). */
App.prototype._chineseControls = function () {
  var S = this.S, root = this.map.getContainer();
  [['.leaflet-control-zoom-in', S.zoom_in], ['.leaflet-control-zoom-out', S.zoom_out]].forEach(function (pair) {
    var a = root.querySelector(pair[0]);
    if (a) { a.title = pair[1]; a.setAttribute('aria-label', pair[1]); }
  });
};

window.landkitBrowse = function (map, data) {
  document.body.classList.add('lk-page');
  // Also done at write time; repeated here for pages rendered another way (a notebook, Map.save).
  document.documentElement.lang = data.lang === 'zh' ? 'zh-CN' : 'en';
  var vp = document.querySelector('meta[name="viewport"]');
  if (vp) vp.setAttribute('content', 'width=device-width, initial-scale=1.0, viewport-fit=cover');
  var app = new App(map, data);
  window.landkitApp = app;
  app.start();
  return app;
};
