// spacerace web page: timeline of chapters, a CesiumJS globe, charts and what-if controls.
// Plain browser JavaScript, no build step. Everything it loads comes from this server:
// /api/* (JSON), /cesium/* (CesiumJS from npm, with its offline Natural Earth II imagery).
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  // Exposed for people poking at the page and for the browser test.
  const probe = {
    flights: 0, chapter: null, globeReady: false, chartsDrawn: 0, lastRoundTripMs: null,
    lastServerMs: null, lastDoc: null, error: null, inertial: false,
  };
  window.spacerace = probe;
  // Re-frame the camera on the flight (pitch [deg], distance in bounding-sphere radii).
  probe.frame = (pitchDeg, rangeFactor, lift) => frameFlight(state.doc, 0, pitchDeg, rangeFactor, lift);
  // The camera's position in Earth-fixed axes [m], and a seek to a time since liftoff [s].
  probe.camera = () => {
    const p = state.viewer && state.viewer.camera.positionWC;
    return p ? [p.x, p.y, p.z] : null;
  };
  probe.seek = (t) => seek(t);
  // Film mode (?film=1, or ?film=clean without overlays): the clock never ticks by itself;
  // `spacerace film` sets each frame's time and shoots it once it is drawn.
  const FILM = new URLSearchParams(location.search).get("film");
  const FILM_MSAA_SAMPLES = 1, STILL_MSAA_SAMPLES = 4;  // multisampling of film frames, stills
  probe.film = FILM;
  probe.shoot = (t, opts) => shoot(t, opts || {});
  // Cameras, present mode, the tour, stills and the address (see their sections below).
  probe.setCamera = (name) => setCamera(name);
  probe.setPresent = (on) => setPresent(on);
  probe.setLarge = (on) => setLarge(on);
  probe.startTour = (opts) => startTour(opts || {});
  probe.stopTour = () => stopTour();
  probe.still = (opts) => saveStill(opts || {});
  probe.stillData = (opts) => stillData(opts || {});
  probe.record = () => toggleRecord();
  probe.view = () => ({ chapter: state.chapter && state.chapter.key, t: currentTime(),
    camera: state.camera, hash: location.hash });
  probe.pause = () => {
    if (!state.viewer) return;
    state.viewer.clock.shouldAnimate = false;
    onTick(state.viewer.clock);
  };

  const state = {
    chapters: [], chapter: null, nominal: null, doc: null, viewer: null, epoch: null,
    tEnd: 0, dataSource: null, ghost: null, charts: [], seq: 0, controller: null,
    timer: null, dragging: false, camera: "overview", axis: { start: 1944, end: 1970 },
    overlays: true, present: false, tour: null, recorder: null,
  };

  // --- numbers for people ---------------------------------------------------------------
  // Units, labels and the text of every figure come from the server (doc.figure_info, the
  // comparison rows' *_text); the page formats only its own live readouts.
  const group = (x, digits) => x.toLocaleString("en-GB", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });

  // A duration for people: seconds, then minutes, hours and days.
  function duration(t) {
    const a = Math.abs(t), sign = t < 0 ? "\u2212" : "";
    if (a < 600) return `${sign}${group(a, 1)} s`;
    const d = Math.floor(a / 86400), h = Math.floor((a % 86400) / 3600);
    const m = Math.floor((a % 3600) / 60), sec = Math.round(a % 60);
    if (a < 3600) return `${sign}${m} min ${sec} s`;
    if (a < 86400) return `${sign}${h} h ${m} min ${sec} s`;
    return `${sign}${d} d ${h} h ${m} min`;
  }

  // The mission clock: T+ seconds for a short flight, days, hours and minutes for a long one.
  const pad2 = (x) => String(x).padStart(2, "0");
  function clockText(t, digits = 1) {
    if (t < 1000) return `T+ ${t.toFixed(digits)} s`;
    const d = Math.floor(t / 86400), h = Math.floor((t % 86400) / 3600);
    const m = Math.floor((t % 3600) / 60), sec = Math.floor(t % 60);
    return `T+ ${d ? `${d} d ` : ""}${pad2(h)}:${pad2(m)}:${pad2(sec)}`;
  }

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  };

  async function getJSON(url, options) {
    const res = await fetch(url, options);
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const msg = body && body.detail ? body.detail : `${res.status} ${res.statusText}`;
      const err = new Error(msg);
      err.status = res.status;
      throw err;
    }
    return { body, headers: res.headers };
  }

  // --- timeline ---------------------------------------------------------------------------
  function renderTimeline() {
    const axis = $("timeline-axis");
    axis.replaceChildren();
    const y0 = state.axis.start, y1 = state.axis.end;
    const pos = (year) => `${(100 * (year - y0)) / (y1 - y0)}%`;
    axis.append(el("div", { class: "tl-line" }));
    for (let y = y0; y <= y1; y++) {
      axis.append(el("div", { class: "tl-tick", style: `left:${pos(y)}` }));
      if (y % 5 === 0 || y === y0) axis.append(el("div", { class: "tl-year", style: `left:${pos(y)}`, text: String(y) }));
    }
    const buttons = [];
    for (const ch of state.chapters) {
      const d = new Date(ch.epoch);
      const year = d.getUTCFullYear() + (d - Date.UTC(d.getUTCFullYear(), 0, 1)) / 3.156e10;
      const x = (year - y0) / (y1 - y0);
      const narrow = axis.getBoundingClientRect().width < 1200;
      const labelEl = el("span", { class: "tl-label", text: narrow ? ch.short : `${ch.year} \u00b7 ${ch.short}` });
      const btn = el("button", {
        class: "tl-chapter", type: "button", "data-chapter": ch.key,
        style: `left:${(100 * x).toFixed(3)}%`, title: `${ch.date}: ${ch.title}`,
      }, labelEl, el("span", { class: "tl-dot" }));
      if (state.chapter && state.chapter.key === ch.key) btn.classList.add("active");
      btn.addEventListener("click", () => selectChapter(ch));
      axis.append(btn);
      buttons.push([btn, labelEl]);
    }
    // Stack labels that would overlap in up to three rows (first row with room, left to right).
    const rowEnds = [-Infinity, -Infinity, -Infinity];
    for (const [, labelEl] of buttons) {
      const r = labelEl.getBoundingClientRect();
      let row = rowEnds.findIndex((end) => end + 8 <= r.left);
      if (row < 0) row = rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = r.right;
      labelEl.style.marginTop = `${row * 17}px`;
    }
  }

  function renderChapter(ch, index) {
    $("chapter-kicker").textContent = `Chapter ${index + 1} \u00b7 ${new Date(ch.date + "T12:00:00Z")
      .toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })}`;
    $("chapter-title").textContent = ch.title;
    const meta = $("chapter-meta");
    meta.replaceChildren(el("div", { text: ch.place }));
    for (const p of ch.people) meta.append(el("div", { text: p }));
    $("chapter-account").textContent = ch.account;
    const list = $("chapter-sources");
    list.replaceChildren();
    for (const s of ch.sources) list.append(el("li", {}, el("code", { text: s.key }), ` ${s.citation}`));
    $("chapter-sources-box").hidden = ch.sources.length === 0;
    for (const b of document.querySelectorAll(".tl-chapter")) {
      b.classList.toggle("active", b.dataset.chapter === ch.key);
      if (b.dataset.chapter === ch.key) {  // a scrolling row of chapters (a phone): show it
        const axis = $("timeline-axis");
        if (axis.scrollWidth > axis.clientWidth) {
          axis.scrollLeft = b.offsetLeft - axis.offsetLeft - (axis.clientWidth - b.offsetWidth) / 2;
        }
      }
    }
  }

  // --- globe ------------------------------------------------------------------------------
  function initGlobe() {
    const C = window.Cesium;
    if (!C) {
      const m = $("globe-message");
      m.hidden = false;
      m.textContent = "CesiumJS is not installed on this server: run `npm ci` in the spacerace "
        + "repository (or set SPACERACE_CESIUM). The charts and tables still work.";
      return null;
    }
    const imagery = C.TileMapServiceImageryProvider.fromUrl(
      C.buildModuleUrl("Assets/Textures/NaturalEarthII"));
    // The bare CesiumWidget (not Viewer): no geocoder, base-layer picker or Ion terrain, and
    // none of the Viewer's knockout widgets, which would need 'unsafe-eval' in the page's CSP.
    const viewer = new C.CesiumWidget("globe", {
      baseLayer: C.ImageryLayer.fromProviderAsync(imagery),
      terrainProvider: new C.EllipsoidTerrainProvider(),
      requestRenderMode: true, scene3DOnly: true,
      automaticallyTrackDataSourceClocks: false, shouldAnimate: false,
      // every device pixel (not CSS pixels on a high-density screen), and a drawing buffer
      // kept after compositing, so a still or a script can read the frame
      useBrowserRecommendedResolution: false,
      contextOptions: { webgl: { preserveDrawingBuffer: true } },
    });
    const scene = viewer.scene;
    // A darker, less saturated Earth: the flight path is the subject.
    viewer.imageryLayers.layerAdded.addEventListener((layer) => {
      layer.brightness = 0.78; layer.contrast = 1.18; layer.saturation = 0.7; layer.gamma = 1.05;
    });
    scene.globe.enableLighting = true;
    scene.globe.dynamicAtmosphereLighting = true;
    if (scene.atmosphere && C.DynamicAtmosphereLightingType) {
      scene.atmosphere.dynamicLighting = C.DynamicAtmosphereLightingType.SUNLIGHT;
    }
    scene.globe.baseColor = C.Color.fromCssColorString("#0b1422");
    scene.highDynamicRange = false;
    scene.fog.enabled = true;
    scene.postProcessStages.fxaa.enabled = true;
    // A film's frames are smoothed by FXAA alone: 4 samples per pixel (Cesium's default)
    // look the same under FXAA and cost software WebGL a quarter (SwiftShader) to more than
    // half (llvmpipe) of a frame's time.
    if (FILM) scene.msaaSamples = FILM_MSAA_SAMPLES;
    viewer.clock.onTick.addEventListener(onTick);
    // A flight to the Moon is drawn in inertial axes: keep the camera fixed in them too, so
    // the Earth turns under a still trajectory instead of the trajectory wheeling round.
    scene.postUpdate.addEventListener((sc, time) => cameraTick(sc, time));
    scene.globe.tileLoadProgressEvent.addEventListener(() => scene.requestRender());
    scene.postRender.addEventListener(() => {
      if (state.doc && scene.globe.tilesLoaded && !probe.globeReady) {
        probe.globeReady = true;
        document.body.dataset.globe = "ready";
      }
    });
    return viewer;
  }

  const secondsAt = (julian) => window.Cesium.JulianDate.secondsDifference(julian, state.epoch);

  function bearing(lat1, lon1, lat2, lon2) {
    const r = Math.PI / 180;
    const y = Math.sin((lon2 - lon1) * r) * Math.cos(lat2 * r);
    const x = Math.cos(lat1 * r) * Math.sin(lat2 * r)
      - Math.sin(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lon2 - lon1) * r);
    return Math.atan2(y, x);
  }

  // ICRF -> Earth-fixed rotation at a time; before 1975 (outside CesiumJS's IAU 2006 tables)
  // its fallback, the turn by sidereal time, which is what CesiumJS itself then uses for
  // INERTIAL positions.
  function icrfToFixed(time) {
    const C = window.Cesium;
    return C.Transforms.computeIcrfToFixedMatrix(time)
      || C.Transforms.computeTemeToPseudoFixedMatrix(time);
  }

  // The chapter's framing; with `span` = {upto, side}: the flight up to `upto` [s], side-on
  // even when it is large (the "side" camera on an ascent).
  function frameFlight(doc, seconds, pitchDeg = -9, rangeFactor = 2.45, lift = null, span = null) {
    const C = window.Cesium, tr = doc.trajectory;
    const n = span ? Math.max(2, indexAt(span.upto) + 1) : tr.t_s.length;
    const camera = state.viewer.camera;
    if (state.inertial && !span) {
      // the Earth-Moon system from above the Earth's north pole, fixed in inertial axes
      const far = Math.max(...tr.alt_m) + 6.4e6;
      const time = state.viewer.clock.currentTime;
      camera.lookAtTransform(C.Matrix4.fromRotationTranslation(icrfToFixed(time)),
        new C.Cartesian3(0.25 * far, -0.9 * far, 2.4 * far));
      return;
    }
    camera.lookAtTransform(C.Matrix4.IDENTITY);
    const pts = [];
    const stride = Math.max(1, Math.floor(n / 400));
    for (let i = 0; i < n; i += stride) pts.push(C.Cartesian3.fromDegrees(tr.lon_deg[i], tr.lat_deg[i], tr.alt_m[i]));
    pts.push(C.Cartesian3.fromDegrees(tr.lon_deg[n - 1], tr.lat_deg[n - 1], tr.alt_m[n - 1]));
    const sphere = C.BoundingSphere.fromPoints(pts);
    // Aim a little above the middle of the arc: the path sits low in the frame, against the
    // sky and the Earth's limb, with dark space above it for the titles.
    const top = Math.max(...tr.alt_m.slice(0, n));
    if (lift === null) {
      // a long, low arc: aim above it; a steep climb (a sounding rocket): aim at its middle
      const across = C.Cartesian3.distance(pts[0], pts.at(-1));
      lift = 0.45 * Math.min(1, Math.max(0, (across / Math.max(top, 1) - 0.5) / 2.5));
    }
    const up = C.Ellipsoid.WGS84.geodeticSurfaceNormal(sphere.center, new C.Cartesian3());
    C.Cartesian3.add(sphere.center, C.Cartesian3.multiplyByScalar(up, lift * top, up), sphere.center);
    const course = bearing(tr.lat_deg[0], tr.lon_deg[0], tr.lat_deg[n - 1], tr.lon_deg[n - 1]);
    const big = sphere.radius > 1.5e6 && !(span && span.side);
    // a portrait view (a phone) is narrower than tall: stand back so the width holds the flight
    const portrait = Math.max(1, 1 / state.viewer.camera.frustum.aspectRatio);
    // Side-on to the flight, looking north-ish, a little above the horizon: the arc in profile.
    let heading = course + Math.PI / 2;
    if (Math.cos(heading) < 0) heading += Math.PI;
    if (big) {
      // Continental or orbital: the globe from high above. An orbit's bounding sphere is
      // centred near the Earth's centre, so look down on the ascent (cut-off) instead.
      const wraps = C.Cartesian3.magnitude(sphere.center) < 3.2e6;
      const cut = doc.events.find((e) => e.is_cutoff) || doc.events[0];
      const focus = wraps ? C.Cartesian3.fromDegrees(cut.lon_deg, cut.lat_deg, 0)
        : C.Ellipsoid.WGS84.scaleToGeodeticSurface(sphere.center, new C.Cartesian3());
      const range = (wraps ? 1.7e7 : sphere.radius * 2.9) * Math.sqrt(portrait);
      state.viewer.camera.flyToBoundingSphere(new C.BoundingSphere(focus, 1.0), {
        offset: new C.HeadingPitchRange(0, -Math.PI / 2, range), duration: seconds });
      return;
    }
    // far enough for the whole height of a steep flight in the frame's vertical angle
    const f = state.viewer.camera.frustum;
    const fovy = f.aspectRatio > 1 ? 2 * Math.atan(Math.tan(f.fov / 2) / f.aspectRatio) : f.fov;
    const range = Math.max(1.5e5, sphere.radius * rangeFactor * portrait,
      (1.35 * top) / (2 * Math.tan(fovy / 2)));
    const offset = new C.HeadingPitchRange(heading, C.Math.toRadians(pitchDeg), range);
    state.viewer.camera.flyToBoundingSphere(sphere, { offset, duration: seconds });
  }

  // Event labels closer in time than a small part of the flight overprint each other (the
  // last cut-offs of a spinning upper stage, an apogee beside the closest approach to the
  // Moon): keep the first of each such group labelled; the others stay points.
  function declutterLabels(ds) {
    const gap = 0.004 * state.tEnd;
    const labelled = ds.entities.values
      .filter((e) => e.label && e.properties && e.properties.t_s)
      .map((e) => [e, e.properties.t_s.getValue(state.epoch)])
      .sort((a, b) => a[1] - b[1]);
    let last = -Infinity;
    for (const [e, t] of labelled) {
      if (t - last < gap) e.label.show = false;
      else last = t;
    }
  }

  async function drawGlobe(doc, newChapter) {
    const viewer = state.viewer;
    if (!viewer) return;
    const C = window.Cesium;
    const ds = await C.CzmlDataSource.load(doc.czml);
    if (doc !== state.doc) return; // a newer flight arrived meanwhile
    state.inertial = (doc.czml[0].properties || {}).frame === "INERTIAL";
    probe.inertial = state.inertial;
    if (viewer.scene.moon) viewer.scene.moon.show = !state.inertial; // DE421's Moon is drawn
    if (state.dataSource) viewer.dataSources.remove(state.dataSource, true);
    await viewer.dataSources.add(ds);
    state.dataSource = ds;
    declutterLabels(ds);
    if (newChapter) drawCoastlines(doc);
    if (state.ghost) { viewer.entities.remove(state.ghost); state.ghost = null; }
    if (state.ghostSource) { viewer.dataSources.remove(state.ghostSource, true); state.ghostSource = null; }
    if (Object.keys(doc.whatif.applied).length && state.nominal && state.inertial) {
      // the nominal's paths in the same inertial axes, dashed (its own CZML packets)
      const dash = { polylineDash: { color: { rgba: [255, 255, 255, 150] }, dashLength: 12 } };
      const packets = [state.nominal.czml[0], ...state.nominal.czml
        .filter((p) => String(p.id).startsWith("phase-") && p.path)
        .map((p) => ({ ...p, id: `nominal-${p.id}`, name: `nominal: ${p.name}`,
          path: { ...p.path, width: 2, material: dash } }))];
      const ghost = await C.CzmlDataSource.load(packets);
      if (doc !== state.doc) return;
      await viewer.dataSources.add(ghost);
      state.ghostSource = ghost;
    } else if (Object.keys(doc.whatif.applied).length && state.nominal) {
      const tr = state.nominal.trajectory;
      const flat = [];
      for (let i = 0; i < tr.t_s.length; i++) flat.push(tr.lon_deg[i], tr.lat_deg[i], tr.alt_m[i]);
      state.ghost = viewer.entities.add({
        name: "nominal flight",
        polyline: {
          positions: C.Cartesian3.fromDegreesArrayHeights(flat), width: 2, arcType: C.ArcType.NONE,
          material: new C.PolylineDashMaterialProperty({ color: C.Color.WHITE.withAlpha(0.55), dashLength: 10 }),
        },
      });
    }
    const clock = viewer.clock;
    clock.startTime = state.epoch.clone();
    clock.stopTime = C.JulianDate.addSeconds(state.epoch, state.tEnd, new C.JulianDate());
    clock.clockRange = C.ClockRange.CLAMPED;
    clock.clockStep = C.ClockStep.SYSTEM_CLOCK_MULTIPLIER;
    clock.multiplier = Number($("speed").value);
    if (newChapter) {
      clock.currentTime = state.epoch.clone();
      if (state.camera === "overview") frameFlight(doc, FILM ? 0 : 1.2);
      else setCamera(state.camera, { instant: true, quiet: true });
    } else if (C.JulianDate.greaterThan(clock.currentTime, clock.stopTime)) {
      clock.currentTime = clock.stopTime.clone();
    }
    viewer.scene.requestRender();
  }

  // --- coastlines: Natural Earth 1:10m over the blurred imagery, for short flights -----------------
  const COAST_MARGIN_DEG = 3;     // around the flight's box [deg]
  const COAST_MAX_SPAN_DEG = 40;  // flights wider than this are seen from far: no lines [deg]
  const COAST_HEIGHT_M = 30;      // the lines sit this far above the ellipsoid [m]

  async function drawCoastlines(doc) {
    const C = window.Cesium, viewer = state.viewer;
    if (!viewer) return;
    if (state.coast) { viewer.scene.primitives.remove(state.coast); state.coast = null; }
    const tr = doc.trajectory;
    if (state.inertial) return;
    const lats = tr.lat_deg.filter((v) => v !== null), lons = tr.lon_deg.filter((v) => v !== null);
    const south = Math.max(-90, Math.min(...lats) - COAST_MARGIN_DEG), north = Math.min(90, Math.max(...lats) + COAST_MARGIN_DEG);
    const west = Math.min(...lons) - COAST_MARGIN_DEG, east = Math.max(...lons) + COAST_MARGIN_DEG;
    if (north - south > COAST_MAX_SPAN_DEG || east - west > COAST_MAX_SPAN_DEG || west < -180 || east > 180) return;
    let body;
    try {
      body = (await getJSON(`/api/coastlines?west=${west}&south=${south}&east=${east}&north=${north}`)).body;
    } catch (err) {
      return;  // no world-atlas on this server: the imagery alone
    }
    if (doc !== state.doc) return;
    const coast = new C.PolylineCollection();
    const colour = C.Color.fromCssColorString("#e8e4da").withAlpha(0.55);
    for (const flat of body.lines) {
      const heights = [];
      for (let i = 0; i < flat.length; i += 2) heights.push(flat[i], flat[i + 1], COAST_HEIGHT_M);
      coast.add({ positions: C.Cartesian3.fromDegreesArrayHeights(heights), width: 1.2,
        material: C.Material.fromType("Color", { color: colour }) });
    }
    viewer.scene.primitives.add(coast);
    state.coast = coast;
    probe.coastlines = body.lines.length;
    viewer.scene.requestRender();
  }

  // --- clock, slider, overlay ---------------------------------------------------------------
  function indexAt(t) {
    const ts = state.doc.trajectory.t_s;
    let lo = 0, hi = ts.length - 1;
    if (t <= ts[0]) return 0;
    if (t >= ts[hi]) return hi;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ts[mid] <= t) lo = mid; else hi = mid;
    }
    return lo;
  }

  function valueAt(col, t) {
    const tr = state.doc.trajectory, i = indexAt(t), ts = tr.t_s;
    if (i >= ts.length - 1) return col[ts.length - 1];
    if (col[i] === null || col[i + 1] === null) return col[i];
    const f = ts[i + 1] > ts[i] ? (t - ts[i]) / (ts[i + 1] - ts[i]) : 0;
    return col[i] + f * (col[i + 1] - col[i]);
  }

  function showTime(t) {
    if (!state.doc) return;
    t = Math.min(Math.max(t, 0), state.tEnd);
    const tr = state.doc.trajectory;
    $("ov-t").textContent = clockText(t);
    $("slider-label").textContent = clockText(t, 0);
    if (!state.dragging) $("slider").value = String(t);
    const deep = isDeep(state.doc);
    const alt = valueAt(tr.alt_m, t), mach = valueAt(tr.mach, t);
    const v = valueAt(deep ? tr.speed_inertial_m_s : tr.speed_m_s, t);
    const ph = state.doc.phases.find((p) => t >= p.t_start && t <= p.t_end) || state.doc.phases.at(-1);
    const readout = $("ov-readout");
    readout.replaceChildren();
    if (deep) {
      // far from the Earth: distances from both bodies and the speed in inertial axes
      readout.append(el("b", { text: "from the Earth " }), `${group(alt / 1000, 0)} km   `);
      const moon = moonHeight(t);
      if (moon !== null) readout.append(el("b", { text: "from the Moon " }), `${group(moon / 1000, 0)} km`);
      readout.append(el("br"), el("b", { text: "speed (inertial) " }), `${group(v, 0)} m/s   `);
      if (alt < state.doc.mach_ceiling_m) readout.append(el("b", { text: "Mach " }), `${mach.toFixed(2)}`);
    } else {
      readout.append(
        el("b", { text: "altitude " }), `${(alt / 1000).toFixed(1)} km   `,
        el("b", { text: "speed " }), `${group(v, 0)} m/s   `,
        el("b", { text: "Mach " }), alt < state.doc.mach_ceiling_m ? `${mach.toFixed(2)}` : "\u2013");
    }
    readout.append(el("br"), el("b", { text: "phase " }), ph ? ph.name : "");
    if (chartWindow(state.doc) !== state.chartWindowShown) drawCharts(state.doc);
    for (const c of state.charts) c.cursor(t);
    presentCaptions(t);
    if (!state.hashWritten || performance.now() - state.hashWritten > 1000) writeHash();
  }

  // Height above the Moon's surface [m] at t, from the drawn vehicle and Moon (DE421), or null.
  const MOON_RADIUS_M = 1737.4e3;
  function moonHeight(t) {
    const ds = state.dataSource, C = window.Cesium;
    if (!ds || !C || !state.epoch) return null;
    const vehicle = ds.entities.getById("vehicle"), moon = ds.entities.getById("moon");
    if (!vehicle || !moon) return null;
    const time = C.JulianDate.addSeconds(state.epoch, t, new C.JulianDate());
    const a = vehicle.position.getValue(time), b = moon.position.getValue(time);
    return a && b ? C.Cartesian3.distance(a, b) - MOON_RADIUS_M : null;
  }

  function onTick(clock) {
    if (!state.epoch) return;
    showTime(secondsAt(clock.currentTime));
    const playing = clock.shouldAnimate;
    const btn = $("play");
    if (playing && window.Cesium.JulianDate.greaterThanOrEquals(clock.currentTime, clock.stopTime)) {
      clock.shouldAnimate = false;
      writeHash();
      if (state.tour && state.chapter && state.tour.waiting === state.chapter.key) tourNext(state.tour);
    }
    btn.innerHTML = clock.shouldAnimate ? "&#10073;&#10073;" : "&#9654;";
    btn.setAttribute("aria-label", clock.shouldAnimate ? "Pause" : "Play");
  }

  function seek(t) {
    if (!state.epoch) return;
    t = Math.min(Math.max(t, 0), state.tEnd);
    if (state.viewer) {
      const C = window.Cesium;
      state.viewer.clock.currentTime = C.JulianDate.addSeconds(state.epoch, t, new C.JulianDate());
      state.viewer.scene.requestRender();
    }
    showTime(t);
    writeHash();
  }

  function currentTime() {
    if (state.viewer && state.epoch) return secondsAt(state.viewer.clock.currentTime);
    return Number($("slider").value);
  }

  function initTransport() {
    $("play").addEventListener("click", () => {
      if (!state.viewer) return;
      const clock = state.viewer.clock, C = window.Cesium;
      if (!clock.shouldAnimate && C.JulianDate.greaterThanOrEquals(clock.currentTime, clock.stopTime)) {
        clock.currentTime = clock.startTime.clone();
      }
      clock.shouldAnimate = !clock.shouldAnimate;
      onTick(clock);
      state.viewer.scene.requestRender();
    });
    const slider = $("slider");
    slider.addEventListener("input", () => { state.dragging = true; seek(Number(slider.value)); });
    slider.addEventListener("change", () => { state.dragging = false; });
    $("speed").addEventListener("change", () => {
      if (state.viewer) state.viewer.clock.multiplier = Number($("speed").value);
    });
    $("chart-window").addEventListener("change", () => { if (state.doc) drawCharts(state.doc); });
  }

  function renderOverlay(doc) {
    const d = new Date(doc.epoch);
    const when = d.toLocaleString("en-GB", {
      day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
      timeZone: "UTC",
    });
    $("ov-title").textContent = doc.mission_name;
    const route = doc.target ? `${doc.site.name} \u2192 ${doc.target.name}` : doc.site.name;
    $("ov-date").textContent = `${when} UTC \u00b7 ${doc.vehicle_name} \u00b7 ${route}`;
    const legend = $("legend");
    legend.replaceChildren();
    for (const p of doc.phases) {
      legend.append(el("div", { class: "legend-row" },
        el("span", { class: "legend-swatch", style: `background:${p.color}` }),
        `${p.name}${p.powered ? " (engine)" : ""}`));
    }
    if (Object.keys(doc.whatif.applied).length) {
      legend.append(el("div", { class: "legend-row" }, el("span", { class: "legend-swatch dash" }),
        "nominal flight"));
    }
  }

  // --- table ------------------------------------------------------------------------------
  // The order a documentary would read them in; figures not named here follow.
  const ORDER = ["range_m", "max_altitude_m", "burnout_speed_m_s", "flight_time_s",
    "impact_speed_m_s", "impact_lat_deg", "impact_lon_deg", "killed", "injured"];

  // Verdicts and source keys in plain words (the table's legend says the same at more length).
  const VERDICT_WORDS = {
    pass: "a prediction within the archive's tolerance or range",
    FAIL: "a prediction outside the archive's tolerance or range: the model misses",
    "within spread": "a prediction outside the tolerance but inside the spread of the sources",
    missing: "a prediction the flight did not produce",
    aimed: "the flight was steered to this figure, so it matches by construction",
    calibrated: "a model parameter was chosen with this figure in view",
    input: "the figure went into the flight",
    shown: "an archival fact the simulation does not compute",
  };
  const SOURCE_WORDS = {
    RECALLED: "no written source found (a recollection)",
    DERIVED: "worked out here from sourced figures",
    RECONSTRUCTED: "estimated here, no source gives it",
  };
  // What-if rows are set beside the archive but not scored: the flight is not the one flown.
  const WHATIF_VERDICT = { pass: "inside", FAIL: "outside", "within spread": "inside spread" };

  function sourceCell(text, citations) {
    const keys = String(text || "").split(/[\s,;]+/).filter(Boolean);
    const plain = keys.map((k) => SOURCE_WORDS[k]).filter(Boolean);
    const span = el("span", { class: "src", text: plain.length ? `${text}: ${plain.join("; ")}` : text });
    const cites = keys.map((k) => citations[k]).filter(Boolean);
    if (cites.length) span.title = cites.join("\n");
    return span;
  }

  function renderTable(doc) {
    const body = $("figures").querySelector("tbody");
    body.replaceChildren();
    const whatif = Object.keys(doc.whatif.applied).length > 0;
    const shown = new Set();
    const rank = (c) => { const i = ORDER.indexOf(c.figure); return i < 0 ? ORDER.length : i; };
    const rows = doc.comparison.filter((c) => !c.figure.startsWith("mc_")) // Monte Carlo targets
      .sort((a, b) => rank(a) - rank(b));
    for (const c of rows) {
      const entry = doc.archive[c.figure] || {};
      shown.add(c.figure);
      const sim = el("td", {
        class: "num sim", "data-figure": c.figure,
        "data-value": c.simulated === null ? "" : String(c.simulated), text: c.simulated_text,
      });
      if (whatif && c.nominal_text !== undefined && c.simulated !== null) {
        sim.append(el("span", { class: "nominal", text: `nominal ${c.nominal_text}` }));
      }
      const arch = el("td", { class: "num arch" }, c.archival_text, sourceCell(c.source, doc.sources));
      const scored = whatif && WHATIF_VERDICT[c.verdict];
      const badge = el("span", { class: `verdict ${scored ? "whatif" : c.verdict}`,
        text: scored || c.verdict, title: scored ? "a what-if is set beside the archive, not scored"
          : VERDICT_WORDS[c.verdict] || "" });
      const err = el("td", { class: "num err" }, el("span", { class: "errval", text: c.error_text }), badge);
      // the role in plain words: only predictions are scored
      const name = el("td", { class: "name" }, c.label,
        el("span", { class: `role ${c.role || ""}`, text: c.role_text || "" }));
      const tr = el("tr", { class: c.unconfirmed ? "unconfirmed" : "", "data-row": c.figure,
        "data-role": c.role || "" }, name, sim, arch, err);
      const why = [c.by, entry.note].filter(Boolean).join(" \u2014 ");
      if (why) tr.title = why;
      body.append(tr);
    }
    const other = $("other-figures").querySelector("tbody");
    other.replaceChildren();
    const seen = new Set();
    for (const [key, info] of Object.entries(doc.figure_info)) {
      const value = doc.figures[key];
      if (shown.has(key)) continue;
      // one row per value: some figures are kept under two names (cut-off time, burnout time)
      const same = `${info.unit} ${value}`;
      if (value !== null && seen.has(same)) continue;
      seen.add(same);
      other.append(el("tr", {}, el("td", { text: info.label }),
        el("td", { class: "num sim", "data-figure": key, "data-value": value === null ? "" : String(value),
          text: info.text })));
    }
    const src = $("flight-sources");
    src.replaceChildren();
    for (const [k, v] of Object.entries(doc.sources)) src.append(el("li", {}, el("code", { text: k }), ` ${v}`));
  }

  // --- charts (plain canvas) -----------------------------------------------------------------
  const CHARTS = [
    { key: "alt", title: "Altitude", unit: "km", get: (tr) => tr.alt_m.map((v) => v / 1000) },
    // a flight to the Moon: the speed in inertial axes (the Earth-fixed one is 25 km/s at the Moon)
    { key: "speed", title: "Speed", unit: "m/s", get: (tr, deep) => (deep ? tr.speed_inertial_m_s : tr.speed_m_s),
      titleDeep: "Speed, inertial" },
    { key: "accel", title: "Acceleration", unit: "g", get: (tr, deep, doc) => tr.accel_m_s2.map((v) => v / doc.g0_m_s2) },
    { key: "mach", title: "Mach", unit: "", get: (tr, deep, doc) => tr.mach.map((v, i) => (
      tr.alt_m[i] !== null && tr.alt_m[i] < doc.mach_ceiling_m ? v : null)) },
    { key: "q", title: "Dyn. pressure", unit: "kPa", get: (tr) => tr.q_pa.map((v) => v / 1000) },
  ];

  // A Mach number means something only in the air: the server says up to which height
  // (doc.mach_ceiling_m, the standard atmosphere's tabulated part).
  const isDeep = (doc) => ((doc.czml[0] || {}).properties || {}).frame === "INERTIAL";

  // The charts' time window: a long flight's ascent (through the air, to its first long
  // coast), or the whole flight; "auto" follows the clock.
  function chartWindow(doc) {
    const end = doc.ascent_end_s;
    if (!end) return null;
    const mode = $("chart-window").value;
    if (mode === "ascent" || (mode === "auto" && currentTime() <= end)) return end;
    return null;
  }

  // Time ticks in the unit that suits the span: s, min, h or days.
  function timeUnit(span) {
    if (span > 2 * 86400) return [86400, "d"];
    if (span > 3 * 3600) return [3600, "h"];
    if (span > 1200) return [60, "min"];
    return [1, "s"];
  }

  const tickText = (v) => (Math.abs(v) >= 1e5 ? `${+(v / 1000).toPrecision(4)}k` : `${+v.toPrecision(4)}`);

  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    const mag = 10 ** Math.floor(Math.log10(raw));
    const f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  }

  class Chart {
    constructor(def, host) {
      this.def = def;
      this.box = el("div", { class: "chart", "data-chart": def.key });
      this.base = el("canvas", { class: "chart-base" });
      this.over = el("canvas", { class: "chart-cursor" });
      this.valueEl = el("div", { class: "chart-value" });
      this.titleEl = el("div", { class: "chart-title" });
      this.box.append(this.base, this.over, this.titleEl, this.valueEl);
      this.box.setAttribute("role", "img");
      host.append(this.box);
      const seekAt = (ev) => {
        if (!this.xs) return;
        const r = this.box.getBoundingClientRect();
        seek(this.tOf(ev.clientX - r.left));
      };
      this.box.addEventListener("pointerdown", (ev) => { this.box.setPointerCapture(ev.pointerId); seekAt(ev); });
      this.box.addEventListener("pointermove", (ev) => { if (ev.buttons & 1) seekAt(ev); });
    }

    size() {
      const r = this.box.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
      for (const c of [this.base, this.over]) {
        c.width = Math.max(1, Math.round(r.width * dpr));
        c.height = Math.max(1, Math.round(r.height * dpr));
      }
      this.w = r.width; this.h = r.height; this.dpr = dpr;
      this.pad = { l: 44, r: 10, t: 26, b: 20 };
    }

    xOf(t) { return this.pad.l + (t / this.tMax) * (this.w - this.pad.l - this.pad.r); }
    tOf(x) { return ((x - this.pad.l) / (this.w - this.pad.l - this.pad.r)) * this.tMax; }
    yOf(v) { return this.h - this.pad.b - ((v - this.yMin) / (this.yMax - this.yMin)) * (this.h - this.pad.t - this.pad.b); }

    draw(doc, nominal) {
      this.size();
      const tr = doc.trajectory, deep = isDeep(doc), def = this.def;
      const title = (deep && def.titleDeep) || def.title;
      this.titleEl.textContent = def.unit ? `${title} (${def.unit})` : title;
      this.xs = tr.t_s; this.ys = def.get(tr, deep, doc);
      const ghost = nominal && nominal !== doc ? { xs: nominal.trajectory.t_s, ys: def.get(nominal.trajectory, deep, nominal) } : null;
      this.window = chartWindow(doc);
      this.tMax = this.window || Math.max(tr.t_s.at(-1), ghost ? ghost.xs.at(-1) : 0) || 1;
      let lo = 0, hi = 0;
      for (const [xs, ys] of [[this.xs, this.ys], ghost ? [ghost.xs, ghost.ys] : [[], []]]) {
        for (let i = 0; i < ys.length; i++) {
          const v = ys[i];
          if (v === null || xs[i] > this.tMax) continue;
          if (v < lo) lo = v; if (v > hi) hi = v;
        }
      }
      if (hi === lo) hi = lo + 1;
      const step = niceStep(hi - lo, 3);
      this.yMin = Math.floor(lo / step) * step; this.yMax = Math.ceil((hi * 1.04) / step) * step;
      const g = this.base.getContext("2d");
      g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      g.clearRect(0, 0, this.w, this.h);
      g.font = "10px DejaVu Sans Mono, monospace";
      g.fillStyle = "#5d6776"; g.strokeStyle = "#1a212c"; g.lineWidth = 1;
      g.textAlign = "right"; g.textBaseline = "middle";
      for (let v = this.yMin; v <= this.yMax + step / 2; v += step) {
        const y = Math.round(this.yOf(v)) + 0.5;
        g.beginPath(); g.moveTo(this.pad.l, y); g.lineTo(this.w - this.pad.r, y); g.stroke();
        g.fillText(tickText(v), this.pad.l - 5, y);
      }
      const [tu, tname] = timeUnit(this.tMax);
      const tStep = niceStep(this.tMax / tu, 4) * tu;
      g.textAlign = "center"; g.textBaseline = "top";
      for (let t = 0; t <= this.tMax + 1e-9; t += tStep) {
        const x = Math.round(this.xOf(t)) + 0.5;
        g.beginPath(); g.moveTo(x, this.pad.t); g.lineTo(x, this.h - this.pad.b); g.stroke();
        g.fillText(`${+(t / tu).toPrecision(4)}${t === 0 ? ` ${tname}` : ""}`, x, this.h - this.pad.b + 4);
      }
      g.save();
      g.beginPath(); g.rect(this.pad.l, 0, this.w - this.pad.l - this.pad.r, this.h); g.clip();
      // events: faint vertical marks
      g.strokeStyle = "rgba(255,255,255,0.18)"; g.setLineDash([2, 3]);
      for (const e of doc.events) {
        if (!e.marked) continue;
        const x = Math.round(this.xOf(e.t_s)) + 0.5;
        g.beginPath(); g.moveTo(x, this.pad.t); g.lineTo(x, this.h - this.pad.b); g.stroke();
      }
      g.setLineDash([]);
      if (ghost) {
        g.strokeStyle = "rgba(255,255,255,0.35)"; g.lineWidth = 1.2; g.setLineDash([4, 3]);
        this.line(g, ghost.xs, ghost.ys, 0, ghost.xs.length);
        g.setLineDash([]);
      }
      // the series, coloured by phase
      const phase = tr.phase, colors = new Map(doc.phases.map((p) => [p.index, p.color]));
      g.lineWidth = 2; g.lineJoin = "round";
      let start = 0;
      for (let i = 1; i <= phase.length; i++) {
        if (i === phase.length || phase[i] !== phase[start]) {
          g.strokeStyle = colors.get(phase[start]) || "#ffffff";
          this.line(g, this.xs, this.ys, start, Math.min(i + 1, phase.length));
          start = i;
        }
      }
      g.restore();
      this.box.setAttribute("aria-label", `${this.titleEl.textContent} against time, to ${duration(this.tMax)}`
        + `; highest ${hi.toPrecision(3)}${def.unit ? " " + def.unit : ""}`);
      this.box.dataset.drawn = String(Number(this.box.dataset.drawn || 0) + 1);
      this.cursor(currentTime());
    }

    line(g, xs, ys, from, to) {
      g.beginPath();
      let pen = false;
      for (let i = from; i < to; i++) {
        if (ys[i] === null) { pen = false; continue; }
        if (i > from && xs[i - 1] > this.tMax) break;
        const x = this.xOf(xs[i]), y = this.yOf(ys[i]);
        if (pen) g.lineTo(x, y); else { g.moveTo(x, y); pen = true; }
      }
      g.stroke();
    }

    cursor(t) {
      if (!this.xs) return;
      const g = this.over.getContext("2d");
      g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      g.clearRect(0, 0, this.w, this.h);
      const x = this.xOf(Math.min(Math.max(t, 0), this.tMax));
      g.strokeStyle = "rgba(255,176,0,0.85)"; g.lineWidth = 1;
      g.beginPath(); g.moveTo(x + 0.5, this.pad.t - 4); g.lineTo(x + 0.5, this.h - this.pad.b); g.stroke();
      const v = valueAt(this.ys, Math.min(t, this.xs.at(-1)));
      if (v === null || !Number.isFinite(v)) this.valueEl.textContent = "\u2013";
      else {
        g.fillStyle = "#ffb000";
        g.beginPath(); g.arc(x, this.yOf(v), 3.5, 0, 2 * Math.PI); g.fill();
        this.valueEl.textContent = `${v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2)}${this.def.unit ? " " + this.def.unit : ""}`;
      }
    }
  }

  function drawCharts(doc) {
    for (const c of state.charts) c.draw(doc, state.nominal);
    probe.chartsDrawn += 1;
    state.chartWindowShown = chartWindow(doc);
  }

  // --- what-if controls --------------------------------------------------------------------
  // The server's controls (bounds, steps, units and labels from its request model), each
  // with a text for its value: the step's decimals, the unit's prefix or suffix.
  function controlsFor(nominal) {
    return nominal.whatif.controls.map((c) => {
      const digits = Math.max(0, -Math.floor(Math.log10(c.step) + 1e-9));
      const wrap = (v) => (c.wraps ? (((v % 360) + 360) % 360) : v);
      return { ...c, show: (v) => `${c.prefix}${group(wrap(v), digits)}${c.suffix}` };
    });
  }

  function buildWhatIf(nominal) {
    const form = $("whatif");
    form.replaceChildren();
    state.controls = controlsFor(nominal);
    for (const c of state.controls) {
      const id = `wi-${c.name}`;
      const input = el("input", { type: "range", id, name: c.name, min: c.min, max: c.max, step: c.step });
      input.value = String(c.value);
      const out = el("output", { for: id, text: c.show(c.value) });
      const lab = el("label", { for: id, text: c.label });
      input.addEventListener("input", () => {
        const v = Number(input.value);
        out.textContent = c.show(v);
        const changed = Math.abs(v - c.value) > c.step / 2;
        lab.classList.toggle("changed", changed); out.classList.toggle("changed", changed);
        scheduleFly();
      });
      form.append(lab, input, out);
    }
    const dc = nominal.whatif.date, nominalDate = dc.value;
    const date = el("input", { type: "datetime-local", id: "wi-date", name: "date",
      min: dc.min, max: dc.max, step: 60 });
    date.value = nominalDate;
    date.dataset.nominal = nominalDate;
    const dateLabel = el("label", { for: "wi-date", text: dc.label });
    date.addEventListener("change", () => {
      dateLabel.classList.toggle("changed", date.value !== nominalDate);
      scheduleFly();
    });
    form.append(dateLabel, date);
    const reset = el("button", { type: "button", class: "reset", text: "Back to the nominal flight" });
    reset.addEventListener("click", () => {
      buildWhatIf(state.nominal);
      flyNow();
    });
    form.append(reset);
    form.addEventListener("submit", (ev) => ev.preventDefault());
  }

  function whatIfBody() {
    const body = { mission: state.chapter.mission };
    for (const c of state.controls || []) {
      const v = Number($(`wi-${c.name}`).value);
      if (Math.abs(v - c.value) > c.step / 2) {
        body[c.name] = c.wraps ? (((v % 360) + 360) % 360) : v;
      }
    }
    const date = $("wi-date");
    if (date && date.value && date.value !== date.dataset.nominal) body.date = `${date.value}:00Z`;
    return body;
  }

  function scheduleFly() {
    clearTimeout(state.timer);
    state.timer = setTimeout(flyNow, 90);
  }

  function flyNow() {
    clearTimeout(state.timer);
    fly(whatIfBody(), false).catch(() => {});
  }

  function renderDownloads(body) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) q.set(k, String(v));
    const box = $("downloads");
    box.replaceChildren();
    const items = [["csv", "Trajectory CSV"], ["parquet", "Parquet"], ["czml", "CZML (Cesium)"],
      ["kml", "KML (Google Earth)"]];
    for (const [fmtName, text] of items) {
      const name = `${body.mission}${Object.keys(body).length > 1 ? "-whatif" : ""}.${fmtName}`;
      box.append(el("a", { href: `/api/export/${fmtName}?${q}`, download: name, "data-format": fmtName }, text));
    }
  }

  // --- flying -----------------------------------------------------------------------------------
  // The server's message (its `detail`) when a flight fails, in the chapter; null hides it.
  function showFlightError(message) {
    const box = $("flight-error");
    box.hidden = !message;
    box.textContent = message ? `This flight could not be flown: ${message}` : "";
  }

  async function fly(body, newChapter) {
    const seq = ++state.seq;
    if (state.controller) state.controller.abort();
    state.controller = new AbortController();
    const status = $("whatif-status");
    const t0 = performance.now();
    let res;
    // a first flight after the server starts waits for its kernel to compile: say so
    const slow = setTimeout(() => {
      if (seq !== state.seq) return;
      status.className = "whatif-status";
      status.textContent = "Flying\u2026 (just after the server starts, the first flight waits "
        + "for its flight kernel to compile: up to a minute)";
    }, 1500);
    try {
      res = await getJSON("/api/fly", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), signal: state.controller.signal,
      });
    } catch (err) {
      clearTimeout(slow);
      if (err.name === "AbortError") return;
      probe.error = err.message;
      status.className = "whatif-status error";
      status.textContent = err.message;
      showFlightError(err.message);
      throw err;
    }
    clearTimeout(slow);
    if (seq !== state.seq) return;
    const doc = res.body;
    const timing = res.headers.get("Server-Timing") || "";
    const m = /flight;dur=([\d.]+)/.exec(timing);
    if (newChapter) state.nominal = doc;
    state.doc = doc;
    state.epoch = window.Cesium ? window.Cesium.JulianDate.fromIso8601(doc.epoch) : null;
    state.tEnd = doc.trajectory.t_s.at(-1);
    const slider = $("slider");
    slider.max = String(state.tEnd);
    slider.disabled = false;
    $("play").disabled = !state.viewer;
    $("chart-window").hidden = !doc.ascent_end_s;
    renderOverlay(doc);
    renderTable(doc);
    drawCharts(doc);
    renderDownloads(body);
    if (newChapter) buildWhatIf(doc);
    buildEventMenu(doc);
    probe.globeReady = false;
    document.body.dataset.globe = "loading";
    await drawGlobe(doc, newChapter);
    if (seq !== state.seq) return;
    showTime(currentTime());
    const ms = performance.now() - t0;
    probe.flights += 1;
    probe.lastRoundTripMs = ms;
    probe.lastServerMs = m ? Number(m[1]) : null;
    probe.lastDoc = doc;
    probe.error = null;
    showFlightError(null);
    status.className = "whatif-status";
    const applied = Object.keys(doc.whatif.applied).length;
    status.textContent = `${applied ? "re-flown" : "flown"} and drawn in ${ms.toFixed(0)} ms`
      + (m ? ` (flight ${Number(m[1]).toFixed(1)} ms on the server)` : " (cached)");
    document.body.dataset.flights = String(probe.flights);
  }

  // --- what could it lift (computed once by the server when asked; cached there) ---------
  // A button, not a request per chapter: the search flies a few hundred flights the first
  // time, and a tour through the chapters should not set the server to work on all of them.
  function offerCapability(ch) {
    if (FILM) return;  // a film shows the flight alone
    let box = $("chapter-capability");
    if (!box) {
      box = el("p", { class: "chapter-capability", id: "chapter-capability" });
      $("chapter-account").after(box);
    }
    const ask = el("button", { type: "button", id: "capability-ask", class: "capability-ask",
      text: "What could it lift?" });
    ask.addEventListener("click", () => showCapability(ch, box));
    box.replaceChildren(ask);
  }

  async function showCapability(ch, box) {
    const kg = (x) => `${Math.round(x).toLocaleString("en-GB")} kg`;
    box.textContent = "What could it lift? Working it out on the server\u2026";
    for (;;) {
      let res;
      try {
        res = await fetch(`/api/capability/${encodeURIComponent(ch.mission)}`);
      } catch (err) {
        res = null;
      }
      if (state.chapter !== ch) return;  // another chapter since
      if (!res || (res.status !== 200 && res.status !== 202)) {
        box.textContent = "What could it lift? The server could not say.";
        return;
      }
      const doc = await res.json();
      if (res.status === 200) {
        if (doc.status !== "ready") {
          box.textContent = `What could it lift? No answer: ${doc.detail}`;
          return;
        }
        const pub = (doc.figures || []).map((f) => `${f.archival !== null ? kg(f.archival)
          : `${kg(f.range[0])}\u2013${kg(f.range[1])}`} (${f.source}, ${f.verdict})`);
        box.textContent = `What could it lift? At best ${kg(doc.payload_kg)} where this flight `
          + `went, against ${kg(doc.flown_payload_kg)} flown`
          + (pub.length ? `; published: ${pub.join("; ")}.` : ".");
        return;
      }
      const wait = Number(res.headers.get("Retry-After")) || 5;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      if (state.chapter !== ch) return;
    }
  }

  // opts: autoplay (default: yes, unless filming), camera (default: the chapter's framing)
  async function selectChapter(ch, opts = {}) {
    if (state.tour && !opts.tour && state.chapters[state.tour.index] !== ch) stopTour();
    state.chapter = ch;
    probe.chapter = ch.key;
    const index = state.chapters.indexOf(ch);
    renderChapter(ch, index);
    state.camera = (ch.cameras || []).includes(opts.camera) ? opts.camera : "overview";
    buildCameraMenu(ch);
    $("whatif-status").textContent = "";
    offerCapability(ch);
    try {
      await fly({ mission: ch.mission }, true);
    } catch (err) {
      probe.error = `${ch.key}: ${err.message}`;
      console.error(probe.error, err.stack || "");
      return;
    }
    if (state.chapter !== ch) return;
    if (state.viewer && !FILM && opts.autoplay !== false) {
      state.viewer.clock.shouldAnimate = true;
      onTick(state.viewer.clock);
    }
    writeHash();
  }

  // --- cameras ---------------------------------------------------------------------------------
  // Presets per chapter (the server lists which a chapter offers): the chapter's framing, follow
  // the vehicle, side-on to the ascent, from the launch site, the whole orbit, from behind the
  // Moon. Each is a function of the flight and the clock alone, so a link reopens the same shot.
  const CAMERA_NAMES = {
    overview: "Chapter framing", follow: "Follow the vehicle", side: "Side-on to the ascent",
    site: "From the launch site", orbit: "The whole orbit", moon: "From behind the Moon",
  };
  const EARTH_RADIUS_M = 6.378137e6;
  const FOLLOW_MIN_M = 6e4;       // the follow camera's nearest distance [m]
  const FOLLOW_MAX_M = 2e7;       // and its farthest, far from the Earth [m]
  const SITE_BACK_M = 4000;       // the launch-site camera: this far to the side of the pad [m]
  const SITE_UP_M = 60;           // and this high above it [m]
  const SITE_MIN_ELEVATION_DEG = 3; // it looks no lower than this above the horizon [deg]
  const MOON_VIEW_M = 3.0e7;      // the camera behind the Moon: this far beyond its centre [m]

  const entityAt = (id, time) => {
    const ds = state.dataSource, e = ds && ds.entities.getById(id);
    return e && e.position ? e.position.getValue(time) : null;
  };

  // Where the ascent ends, for the side-on camera [s]: the whole of a flight that stays
  // sub-orbital; the ascent the server marks on a long flight; else the last engine cut-off in
  // the first half of the flight, with a margin.
  function ascentEnd(doc) {
    const offered = (state.chapter && state.chapter.cameras) || [];
    if (!offered.includes("orbit") && !offered.includes("moon")) return state.tEnd;
    if (doc.ascent_end_s) return doc.ascent_end_s;
    const cuts = doc.events.filter((e) => e.is_cutoff && e.t_s < 0.5 * state.tEnd);
    return cuts.length ? Math.min(state.tEnd, 1.15 * cuts.at(-1).t_s) : state.tEnd;
  }

  function setCamera(name, opts = {}) {
    const offered = (state.chapter && state.chapter.cameras) || ["overview"];
    if (!offered.includes(name)) name = "overview";
    state.camera = name;
    probe.cameraName = name;
    const sel = $("camera");
    if (sel) sel.value = name;
    if (!state.viewer || !state.doc) return;
    const C = window.Cesium, viewer = state.viewer, camera = viewer.camera, doc = state.doc;
    const time = viewer.clock.currentTime, seconds = opts.instant ? 0 : 1.0;
    camera.cancelFlight();
    camera.lookAtTransform(C.Matrix4.IDENTITY);
    if (name === "overview") frameFlight(doc, seconds);
    else if (name === "side") frameFlight(doc, seconds, -4, 2.2, 0.1, { upto: ascentEnd(doc), side: true });
    else if (name === "follow") {
      const pos = entityAt("vehicle", time);
      if (pos) {
        // as far as the ascent is high (the same whenever the camera is chosen, so that a
        // link reopens the same shot)
        const tr = doc.trajectory, n = tr.t_s.length;
        const top = Math.max(...tr.alt_m.slice(0, indexAt(ascentEnd(doc)) + 1));
        const range = Math.min(FOLLOW_MAX_M, FOLLOW_MIN_M + 0.6 * top);
        const course = bearing(tr.lat_deg[0], tr.lon_deg[0], tr.lat_deg[n - 1], tr.lon_deg[n - 1]);
        camera.lookAtTransform(C.Transforms.eastNorthUpToFixedFrame(pos),
          new C.HeadingPitchRange(course + 1.2, C.Math.toRadians(-12), range));
      }
    } else if (name === "orbit") frameOrbit(doc);
    else if (name === "moon") frameMoon(time);
    if (!opts.quiet) writeHash();
    viewer.scene.requestRender();
  }

  // The whole orbit from above its plane (the plane of the path after the last cut-off).
  function frameOrbit(doc) {
    const C = window.Cesium, tr = doc.trajectory, n = tr.t_s.length;
    const from = indexAt(ascentEnd(doc));
    const normal = new C.Cartesian3(), cross = new C.Cartesian3();
    let prev = null, top = 0;
    for (let i = from; i < n; i += Math.max(1, Math.floor((n - from) / 200))) {
      const p = C.Cartesian3.fromDegrees(tr.lon_deg[i], tr.lat_deg[i], tr.alt_m[i]);
      if (prev) C.Cartesian3.add(normal, C.Cartesian3.cross(prev, p, cross), normal);
      prev = p; top = Math.max(top, tr.alt_m[i]);
    }
    if (C.Cartesian3.magnitude(normal) === 0) { frameFlight(doc, 0); return; }
    C.Cartesian3.normalize(normal, normal);
    const far = 3.4 * (EARTH_RADIUS_M + top);
    state.viewer.camera.lookAtTransform(C.Matrix4.IDENTITY,
      C.Cartesian3.multiplyByScalar(normal, far, new C.Cartesian3()));
    state.viewer.camera.lookAtTransform(C.Matrix4.IDENTITY);
  }

  // The Moon's frame for the camera behind it: centred on the Moon, axes inertial.
  function moonFrame(time) {
    const C = window.Cesium, moon = entityAt("moon", time);
    return moon ? C.Matrix4.fromRotationTranslation(icrfToFixed(time), moon) : null;
  }

  function frameMoon(time) {
    const C = window.Cesium, moon = entityAt("moon", time), frame = moonFrame(time);
    if (!moon || !frame) { frameFlight(state.doc, 0); return; }
    // beyond the Moon on the Earth-Moon line, a little above it, looking back at the Moon
    const out = C.Cartesian3.normalize(moon, new C.Cartesian3());
    const north = C.Cartesian3.cross(C.Cartesian3.cross(out, C.Cartesian3.UNIT_Z, new C.Cartesian3()), out, new C.Cartesian3());
    C.Cartesian3.normalize(north, north);
    const fixed = C.Cartesian3.add(C.Cartesian3.multiplyByScalar(out, MOON_VIEW_M, new C.Cartesian3()),
      C.Cartesian3.multiplyByScalar(north, 0.35 * MOON_VIEW_M, new C.Cartesian3()), new C.Cartesian3());
    const toInertial = C.Matrix3.transpose(icrfToFixed(time), new C.Matrix3());
    state.viewer.camera.lookAtTransform(frame, C.Matrix3.multiplyByVector(toInertial, fixed, new C.Cartesian3()));
  }

  // Each frame, before drawing: keep the camera where its preset holds it, relative to what it
  // watches (the user may turn it about that with the mouse).
  function cameraTick(sc, time) {
    if (!state.doc) return;
    const C = window.Cesium, camera = sc.camera, mode = state.camera;
    const keep = () => C.Cartesian3.clone(camera.position);
    if (mode === "follow") {
      const pos = entityAt("vehicle", time);
      if (pos) camera.lookAtTransform(C.Transforms.eastNorthUpToFixedFrame(pos), keep());
    } else if (mode === "moon") {
      const frame = moonFrame(time);
      if (frame) camera.lookAtTransform(frame, keep());
    } else if (mode === "site") {
      const pos = entityAt("vehicle", time), site = state.doc.site;
      if (!pos) return;
      const tr = state.doc.trajectory, n = tr.t_s.length;
      const course = bearing(tr.lat_deg[0], tr.lon_deg[0], tr.lat_deg[n - 1], tr.lon_deg[n - 1]);
      const pad = C.Cartesian3.fromDegrees(site.lon_deg, site.lat_deg, site.alt_m + SITE_UP_M);
      const enu = C.Transforms.eastNorthUpToFixedFrame(pad);
      // to the right of the course, so the climb crosses the frame
      const side = course + Math.PI / 2;
      const local = new C.Cartesian3(SITE_BACK_M * Math.sin(side), SITE_BACK_M * Math.cos(side), 0);
      const eye = C.Matrix4.multiplyByPoint(enu, local, new C.Cartesian3());
      const direction = C.Cartesian3.normalize(C.Cartesian3.subtract(pos, eye, new C.Cartesian3()), new C.Cartesian3());
      const up = C.Ellipsoid.WGS84.geodeticSurfaceNormal(eye, new C.Cartesian3());
      // a vehicle gone below the horizon: look at the sky over the place it went down
      const rise = C.Cartesian3.dot(direction, up), least = Math.sin(C.Math.toRadians(SITE_MIN_ELEVATION_DEG));
      if (rise < least) {
        const flat = C.Cartesian3.subtract(direction, C.Cartesian3.multiplyByScalar(up, rise, new C.Cartesian3()), new C.Cartesian3());
        C.Cartesian3.normalize(flat, flat);
        C.Cartesian3.add(C.Cartesian3.multiplyByScalar(flat, Math.sqrt(1 - least * least), flat),
          C.Cartesian3.multiplyByScalar(up, least, new C.Cartesian3()), direction);
      }
      const right = C.Cartesian3.normalize(C.Cartesian3.cross(direction, up, new C.Cartesian3()), new C.Cartesian3());
      camera.lookAtTransform(C.Matrix4.IDENTITY);
      camera.setView({ destination: eye, orientation: {
        direction, up: C.Cartesian3.cross(right, direction, new C.Cartesian3()) } });
    } else if (state.inertial && (mode === "overview" || mode === "orbit")) {
      // a flight to the Moon is drawn in inertial axes: keep the camera fixed in them too, so
      // the Earth turns under a still trajectory instead of the trajectory wheeling round
      camera.lookAtTransform(C.Matrix4.fromRotationTranslation(icrfToFixed(time)), keep());
    }
  }

  function buildCameraMenu(ch) {
    const sel = $("camera");
    sel.replaceChildren();
    for (const name of ch.cameras || ["overview"]) sel.append(el("option", { value: name, text: CAMERA_NAMES[name] || name }));
    sel.value = state.camera;
  }

  // --- events --------------------------------------------------------------------------------
  function buildEventMenu(doc) {
    const sel = $("events");
    sel.replaceChildren(el("option", { value: "", text: "Jump to an event\u2026" }));
    doc.events.forEach((e, i) => sel.append(el("option", { value: String(i), text: `${clockText(e.t_s, 0)} \u00b7 ${e.name}` })));
  }

  function jumpToEvent(i) {
    const e = state.doc && state.doc.events[i];
    if (!e) return;
    seek(e.t_s);
  }

  // The next (dir 1) or previous (dir -1) event from the clock.
  function stepEvent(dir) {
    if (!state.doc) return;
    const t = currentTime(), evs = state.doc.events;
    const e = dir > 0 ? evs.find((x) => x.t_s > t + 0.05) : [...evs].reverse().find((x) => x.t_s < t - 0.05);
    if (e) seek(e.t_s);
  }

  // --- the address: chapter, time, camera and what-if --------------------------------------------
  // #v2-london&t=150.0&camera=follow&thrust_factor=0.9 (a bare #v2-london still works).
  function parseHash(hash) {
    const parts = hash.replace(/^#/, "").split("&").filter(Boolean);
    const out = { chapter: null, t: null, camera: null, whatif: {} };
    for (const part of parts) {
      const eq = part.indexOf("=");
      if (eq < 0) { out.chapter = decodeURIComponent(part); continue; }
      const k = decodeURIComponent(part.slice(0, eq)), v = decodeURIComponent(part.slice(eq + 1));
      if (k === "t") out.t = Number(v);
      else if (k === "camera") out.camera = v;
      else if (k === "date" || /^[a-z_]+$/.test(k)) out.whatif[k] = k === "date" ? v : Number(v);
    }
    return out;
  }

  function hashNow() {
    if (!state.chapter) return "";
    const parts = [encodeURIComponent(state.chapter.key), `t=${currentTime().toFixed(1)}`];
    if (state.camera !== "overview") parts.push(`camera=${state.camera}`);
    if (state.controls) {
      for (const [k, v] of Object.entries(whatIfBody())) if (k !== "mission") parts.push(`${k}=${encodeURIComponent(v)}`);
    }
    return `#${parts.join("&")}`;
  }

  function writeHash() {
    if (FILM || !state.chapter || state.restoring) return;
    // an address changed by the user since we last wrote it waits for its hashchange
    if (state.lastHash !== undefined && location.hash !== state.lastHash) return;
    const h = hashNow();
    if (h !== location.hash) history.replaceState(null, "", h);
    state.lastHash = location.hash;
    state.hashWritten = performance.now();
  }

  // Set the what-if controls to a link's values (those the chapter has), then fly them.
  async function applyWhatIf(values) {
    let any = false;
    for (const [k, v] of Object.entries(values)) {
      const input = $(`wi-${k}`);
      if (!input || (typeof v === "number" && !Number.isFinite(v))) continue;
      input.value = k === "date" ? String(v).replace(/:00Z$/, "").slice(0, 16) : String(v);
      input.dispatchEvent(new Event(k === "date" ? "change" : "input", { bubbles: true }));
      any = true;
    }
    if (any) {
      clearTimeout(state.timer);
      await fly(whatIfBody(), false);
    }
  }

  async function restore(view) {
    const ch = state.chapters.find((c) => c.key === view.chapter) || state.chapters[0];
    state.restoring = true;
    state.lastHash = undefined;
    try {
      const keepPlaying = view.t === null && !FILM;
      await selectChapter(ch, { autoplay: keepPlaying, camera: view.camera || "overview" });
      if (Object.keys(view.whatif).length) await applyWhatIf(view.whatif);
      if (view.t !== null && Number.isFinite(view.t)) {
        if (state.viewer) state.viewer.clock.shouldAnimate = false;
        seek(view.t);
      }
      setCamera(view.camera || "overview", { instant: true, quiet: true });
    } finally {
      state.restoring = false;
    }
    writeHash();
  }

  // --- present mode, the guided tour, large text -----------------------------------------------
  const sentences = (text) => (text.match(/[^.!?]+[.!?]+["\u201d\u2019)]?(\s|$)|[^.!?]+$/g) || [text]).map((x) => x.trim());

  function setPresent(on) {
    state.present = on;
    document.body.classList.toggle("present", on);
    if (on && state.doc) presentCaptions(currentTime());  // at once, not a frame later
    probe.present = on;
    if (!on && state.tour) stopTour();
    if (on) {
      const root = document.documentElement;
      if (root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
    } else if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
    requestAnimationFrame(() => {
      if (state.viewer) state.viewer.resize();
      if (state.doc) { drawCharts(state.doc); presentCaptions(currentTime()); }
    });
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  }

  function setLarge(on) {
    document.body.classList.toggle("large", on);
    probe.large = on;
    if (state.doc) drawCharts(state.doc);
  }

  function stepChapter(dir) {
    const i = state.chapters.indexOf(state.chapter) + dir;
    if (i < 0 || i >= state.chapters.length) return;
    if (state.tour) { state.tour.index = i; playTourChapter(); return; }
    selectChapter(state.chapters[i]);
  }

  // The captions of present mode and the tour: the chapter, a sentence of its account (spread
  // over the flight) and the event just passed.
  function presentCaptions(t) {
    if (!state.present || !state.doc || !state.chapter) return;
    const ch = state.chapter, doc = state.doc;
    $("pc-title").textContent = `${ch.year} \u00b7 ${ch.title}`;
    const parts = sentences(ch.account);
    const k = Math.min(parts.length - 1, Math.floor((t / Math.max(state.tEnd, 1e-9)) * parts.length));
    $("pc-account").textContent = parts[Math.max(0, k)];
    const span = (state.viewer ? state.viewer.clock.multiplier : 8) * 3;
    const ev = doc.events.filter((e) => e.t_s <= t && t - e.t_s <= span && !e.is_liftoff).at(-1);
    const call = $("pc-event");
    call.hidden = !ev;
    call.textContent = ev ? `${ev.name} \u00b7 ${clockText(ev.t_s, 0)}` : "";
  }

  const TOUR_CHAPTER_S = 40;  // wall seconds a chapter plays in the tour
  const TOUR_HOLD_MS = 2500;  // the end of a chapter held this long before the next

  function startTour(opts = {}) {
    state.tour = { index: 0, seconds: opts.seconds || TOUR_CHAPTER_S, hold: opts.holdMs ?? TOUR_HOLD_MS, visited: [] };
    probe.tour = state.tour;
    setPresent(true);
    playTourChapter();
  }

  function stopTour() {
    if (!state.tour) return;
    clearTimeout(state.tour.next);
    state.tour = null;
    probe.tour = null;
    if (state.viewer) state.viewer.clock.multiplier = Number($("speed").value);
  }

  async function playTourChapter() {
    const tour = state.tour;
    if (!tour) return;
    clearTimeout(tour.next);
    const ch = state.chapters[tour.index];
    await selectChapter(ch, { autoplay: false });
    if (state.tour !== tour || state.chapter !== ch) return;
    tour.visited.push(ch.key);
    probe.tourVisited = [...tour.visited];
    const clock = state.viewer ? state.viewer.clock : null;
    if (!clock) { tourNext(tour); return; }
    clock.multiplier = state.tEnd / tour.seconds;
    clock.currentTime = clock.startTime.clone();
    clock.shouldAnimate = true;
    onTick(clock);
    tour.waiting = ch.key;
  }

  function tourNext(tour) {
    if (state.tour !== tour) return;
    tour.waiting = null;
    tour.next = setTimeout(() => {
      if (state.tour !== tour) return;
      if (tour.index + 1 >= state.chapters.length) { tour.done = true; probe.tourDone = true; stopTour(); return; }
      tour.index += 1;
      playTourChapter();
    }, tour.hold);
  }

  // --- help --------------------------------------------------------------------------------
  const KEYS = [
    ["Space", "play or pause"], ["\u2190 \u2192", "previous or next chapter"],
    ["[ ]", "previous or next event"], ["Home End", "start or end of the flight"],
    ["C, 1\u20136", "next camera, or camera by number"], ["P", "present mode (full screen, captions only)"],
    ["T", "guided tour of every chapter"], ["L", "large text"], ["F", "full screen"],
    ["O", "overlays on or off (a clean view)"], ["S", "save a 3840 \u00d7 2160 still (Shift+S: clean)"],
    ["R", "record the view as WebM, again to stop"], ["? H", "this help"], ["Esc", "leave present mode, the tour or this help"],
  ];

  function buildHelp() {
    const dl = $("help-keys");
    dl.replaceChildren();
    for (const [k, what] of KEYS) dl.append(el("dt", {}, el("kbd", { text: k })), el("dd", { text: what }));
  }

  function toggleHelp(show) {
    const box = $("help");
    box.hidden = show === undefined ? !box.hidden : !show;
    if (!box.hidden) $("help-close").focus();
  }

  function togglePlay() { $("play").click(); }

  function setOverlays(on) {
    state.overlays = on;
    document.body.classList.toggle("clean", !on);
    $("tool-clean").setAttribute("aria-pressed", String(!on));
  }

  function onKey(ev) {
    const tag = (ev.target && ev.target.tagName) || "";
    if (ev.key === "Escape") {
      if (!$("help").hidden) toggleHelp(false);
      else if (state.present) setPresent(false);
      return;
    }
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(tag) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (tag === "BUTTON" && (ev.key === " " || ev.key === "Enter")) return;
    const k = ev.key;
    const cams = (state.chapter && state.chapter.cameras) || [];
    const act = {
      " ": togglePlay, ArrowLeft: () => stepChapter(-1), ArrowRight: () => stepChapter(1),
      "[": () => stepEvent(-1), "]": () => stepEvent(1), Home: () => seek(0), End: () => seek(state.tEnd),
      c: () => setCamera(cams[(cams.indexOf(state.camera) + 1) % cams.length]),
      p: () => setPresent(!state.present), t: () => (state.tour ? stopTour() : startTour()),
      l: () => setLarge(!document.body.classList.contains("large")), f: toggleFullscreen,
      o: () => setOverlays(!state.overlays), s: () => saveStill({ overlays: true }),
      S: () => saveStill({ overlays: false }), r: toggleRecord, "?": () => toggleHelp(), h: () => toggleHelp(),
    }[k.length === 1 && k !== "S" ? k.toLowerCase() : k];
    if (/^[1-6]$/.test(k) && cams[Number(k) - 1]) { setCamera(cams[Number(k) - 1]); ev.preventDefault(); return; }
    if (act) { act(); ev.preventDefault(); }
  }

  // --- stills and recording ----------------------------------------------------------------------
  // The overlays painted on a 2D canvas (a still's or a recording's): title, date, clock,
  // readout, and in present mode its captions. Sizes scale with the picture's height.
  function paintOverlays(g, W, H, t) {
    const doc = state.doc;
    if (!doc) return;
    const u = H / 1080, pad = 36 * u;
    g.save();
    g.shadowColor = "rgba(0,0,0,0.9)"; g.shadowBlur = 8 * u; g.textBaseline = "top";
    g.fillStyle = "#e8e4da"; g.font = `600 ${40 * u}px Georgia, serif`;
    g.fillText(doc.mission_name, pad, pad);
    g.fillStyle = "#9aa3b2"; g.font = `${22 * u}px sans-serif`;
    g.fillText($("ov-date").textContent, pad, pad + 52 * u);
    g.fillStyle = "#ffb000"; g.font = `600 ${52 * u}px monospace`;
    g.fillText(clockText(t), pad, pad + 90 * u);
    g.fillStyle = "#e8e4da"; g.font = `${24 * u}px monospace`;
    const lines = [""];  // the readout's lines (broken at its <br>s; it may be hidden)
    for (const node of $("ov-readout").childNodes) {
      if (node.nodeName === "BR") lines.push(""); else lines[lines.length - 1] += node.textContent;
    }
    lines.forEach((line, i) => g.fillText(line, pad, pad + (160 + 32 * i) * u));
    const caption = state.present ? [$("pc-title").textContent, $("pc-account").textContent,
      $("pc-event").hidden ? "" : $("pc-event").textContent].filter(Boolean) : [];
    if (caption.length) {
      g.textAlign = "center"; g.font = `600 ${34 * u}px Georgia, serif`;
      caption.forEach((line, i) => g.fillText(line.length > 110 ? `${line.slice(0, 107)}\u2026` : line,
        W / 2, H - (70 + 48 * (caption.length - i)) * u));
    }
    g.restore();
  }

  // The frame just drawn into a 2D canvas of W x H, read with readPixels in the same frame
  // (the same as drawImage of the WebGL canvas, without its slow path under software WebGL).
  function copyFrame(canvas, g, W, H) {
    const gl = canvas.getContext("webgl2") || canvas.getContext("webgl");
    const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    const bound = gl.getParameter(gl.FRAMEBUFFER_BINDING);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const px = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, px);
    gl.bindFramebuffer(gl.FRAMEBUFFER, bound);
    const img = new ImageData(w, h), row = w * 4;
    for (let y = 0; y < h; y++) img.data.set(px.subarray((h - 1 - y) * row, (h - y) * row), y * row);
    if (w === W && h === H) { g.putImageData(img, 0, 0); return; }
    const tmp = document.createElement("canvas");
    tmp.width = w; tmp.height = h;
    tmp.getContext("2d").putImageData(img, 0, 0);
    g.drawImage(tmp, 0, 0, W, H);
  }

  // Render the globe at W x H device pixels and copy it, in the same frame, onto a 2D canvas.
  async function renderAt(W, H) {
    const viewer = state.viewer, scene = viewer.scene, box = $("globe");
    const saved = { style: box.getAttribute("style"), scale: viewer.resolutionScale, msaa: scene.msaaSamples };
    const cssW = box.clientWidth, cssH = Math.round((cssW * H) / W);
    box.setAttribute("style", `position:absolute;left:0;top:0;width:${cssW}px;height:${cssH}px;visibility:hidden`);
    viewer.resolutionScale = W / (cssW * (window.devicePixelRatio || 1));
    scene.msaaSamples = STILL_MSAA_SAMPLES;
    viewer.resize();
    const out = document.createElement("canvas");
    out.width = W; out.height = H;
    const g = out.getContext("2d");
    try {
      for (let i = 0; i < 60; i++) {
        await drawn(scene);
        if (scene.globe.tilesLoaded) break;
      }
      await new Promise((resolve) => {
        const copy = () => {
          scene.postRender.removeEventListener(copy);
          copyFrame(viewer.canvas, g, W, H);
          resolve();
        };
        scene.postRender.addEventListener(copy);
        scene.requestRender();
      });
    } finally {
      if (saved.style === null) box.removeAttribute("style"); else box.setAttribute("style", saved.style);
      viewer.resolutionScale = saved.scale;
      scene.msaaSamples = saved.msaa;
      viewer.resize();
      scene.requestRender();
    }
    return out;
  }

  const STILL_W = 3840, STILL_H = 2160;

  async function still(opts = {}) {
    if (!state.viewer || !state.doc) throw new Error("no flight on the globe yet");
    const W = Math.min(STILL_W, opts.width || STILL_W), H = Math.min(STILL_H, opts.height || STILL_H);
    const wasPlaying = state.viewer.clock.shouldAnimate;
    state.viewer.clock.shouldAnimate = false;
    if (opts.t !== undefined && opts.t !== null) seek(opts.t);
    const t = currentTime();
    const canvas = await renderAt(W, H);
    if (opts.overlays !== false) paintOverlays(canvas.getContext("2d"), W, H, t);
    state.viewer.clock.shouldAnimate = wasPlaying;
    return { canvas, t };
  }

  function download(blob, name) {
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }

  async function saveStill(opts) {
    const t0 = performance.now();
    const { canvas, t } = await still(opts);
    const t1 = performance.now();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    probe.lastStill = { width: canvas.width, height: canvas.height, bytes: blob.size,
      render_ms: t1 - t0, encode_ms: performance.now() - t1 };
    download(blob, `${state.chapter.key}-T${Math.round(t)}s${opts.overlays === false ? "-clean" : ""}.png`);
    return probe.lastStill;
  }

  // A still as a PNG data URL (for `spacerace film --still`).
  async function stillData(opts) {
    const { canvas } = await still(opts);
    return canvas.toDataURL("image/png");
  }

  function toggleRecord() {
    if (state.recorder) { state.recorder.stop(); return; }
    if (!state.viewer || typeof MediaRecorder === "undefined") return;
    const viewer = state.viewer, scene = viewer.scene, src = viewer.canvas;
    const comp = document.createElement("canvas");
    comp.width = src.width; comp.height = src.height;
    const g = comp.getContext("2d");
    const paint = () => {
      g.drawImage(src, 0, 0, comp.width, comp.height);
      if (state.overlays) paintOverlays(g, comp.width, comp.height, currentTime());
    };
    scene.postRender.addEventListener(paint);
    const type = ["video/webm;codecs=vp9", "video/webm;codecs=vp8", "video/webm"].find((x) => MediaRecorder.isTypeSupported(x));
    const rec = new MediaRecorder(comp.captureStream(30), type ? { mimeType: type } : {});
    const chunks = [];
    rec.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
    rec.onstop = () => {
      scene.postRender.removeEventListener(paint);
      scene.requestRenderMode = true;
      state.recorder = null;
      document.body.classList.remove("recording");
      $("tool-record").setAttribute("aria-pressed", "false");
      const blob = new Blob(chunks, { type: "video/webm" });
      probe.lastRecording = { bytes: blob.size, type: blob.type, width: comp.width, height: comp.height };
      download(blob, `${state.chapter ? state.chapter.key : "spacerace"}.webm`);
    };
    scene.requestRenderMode = false;  // a frame every tick while recording, moving or not
    rec.start(250);
    state.recorder = rec;
    document.body.classList.add("recording");
    $("tool-record").setAttribute("aria-pressed", "true");
  }

  function initTools() {
    $("camera").addEventListener("change", () => setCamera($("camera").value));
    $("events").addEventListener("change", () => {
      const v = $("events").value;
      if (v !== "") jumpToEvent(Number(v));
      $("events").value = "";
    });
    $("tool-present").addEventListener("click", () => setPresent(!state.present));
    $("tool-tour").addEventListener("click", () => (state.tour ? stopTour() : startTour()));
    $("tool-large").addEventListener("click", () => setLarge(!document.body.classList.contains("large")));
    $("tool-still").addEventListener("click", () => saveStill({ overlays: state.overlays }));
    $("tool-clean").addEventListener("click", () => setOverlays(!state.overlays));
    $("tool-record").addEventListener("click", toggleRecord);
    $("tool-help").addEventListener("click", () => toggleHelp());
    $("help-close").addEventListener("click", () => toggleHelp(false));
    document.addEventListener("keydown", onKey);
    window.addEventListener("hashchange", (ev) => {
      const view = parseHash(new URL(ev.newURL).hash);
      state.lastHash = undefined;
      if (view.chapter) restore(view);
    });
    document.addEventListener("fullscreenchange", () => {
      if (!document.fullscreenElement && state.present && !state.tour) setPresent(false);
    });
    buildHelp();
  }

  // --- film mode ------------------------------------------------------------------------------
  // One frame drawn by Cesium: resolves on the scene's next postRender.
  function drawn(scene) {
    return new Promise((resolve) => {
      const done = () => { scene.postRender.removeEventListener(done); resolve(); };
      scene.postRender.addEventListener(done);
      scene.requestRender();
    });
  }

  function filmOverlays(t, opts) {
    const doc = state.doc, ch = state.chapter;
    const card = $("film-card");
    card.hidden = !opts.card;
    if (opts.card && ch) {
      $("film-card-kicker").textContent = ch.mission_name;
      $("film-card-title").textContent = ch.title;
      $("film-card-meta").textContent = [new Date(`${ch.date}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }), ch.place].filter(Boolean).join(" \u00b7 ");
    }
    const span = opts.captionSpan || 0;
    const ev = (doc.events || []).filter((e) => e.t_s <= t && t - e.t_s <= span).at(-1);
    const caption = $("film-caption");
    caption.hidden = !ev || opts.card;
    caption.textContent = ev ? `${ev.name} \u00b7 ${clockText(ev.t_s)}` : "";
    const tr = doc.trajectory, deep = isDeep(doc);
    const alt = valueAt(tr.alt_m, t), v = valueAt(deep ? tr.speed_inertial_m_s : tr.speed_m_s, t);
    const strip = $("film-strip");
    strip.hidden = false;
    strip.replaceChildren(el("span", {}, el("b", { text: "T+ " }), clockText(t).replace(/^T\+ ?/, "")),
      el("span", {}, el("b", { text: "altitude " }), `${group(alt / 1000, 1)} km`),
      el("span", {}, el("b", { text: deep ? "speed (inertial) " : "speed " }), `${group(v, 0)} m/s`));
  }

  // Set the clock to t [s since liftoff], lay out the overlays and wait for the globe's frame
  // (and for its imagery tiles, up to 60 renders).
  async function shoot(t, opts) {
    if (!state.doc || !state.viewer) throw new Error("no flight on the globe yet");
    t = Math.min(Math.max(t, 0), state.tEnd);
    state.viewer.clock.shouldAnimate = false;
    seek(t);
    filmOverlays(t, opts);
    const scene = state.viewer.scene;
    for (let i = 0; i < 60; i++) {
      await drawn(scene);
      if (scene.globe.tilesLoaded) break;
    }
    return t;
  }

  // --- start ------------------------------------------------------------------------------------
  async function start() {
    if (FILM) document.body.classList.add("film", ...(FILM === "clean" ? ["film-clean"] : []));
    for (const def of CHARTS) state.charts.push(new Chart(def, $("charts")));
    initTransport();
    initTools();
    try {
      state.viewer = initGlobe();
    } catch (err) {
      const m = $("globe-message");
      m.hidden = false;
      m.textContent = `The globe could not start (${err.message}); the charts and tables still work.`;
    }
    window.addEventListener("resize", () => {
      if (state.doc) drawCharts(state.doc);
      if (state.chapters.length) renderTimeline();
    });
    let chapters;
    try {
      const listed = (await getJSON("/api/chapters")).body;
      chapters = listed.chapters;
      state.axis = listed.axis;
    } catch (err) {
      $("chapter-title").textContent = `The catalog could not be read: ${err.message}`;
      return;
    }
    state.chapters = chapters;
    renderTimeline();
    if (!chapters.length) {
      $("chapter-title").textContent = "The catalog has no missions yet.";
      return;
    }
    await restore(parseHash(location.hash));
    probe.ready = true;
    document.body.dataset.ready = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
