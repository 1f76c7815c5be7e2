/* Jamaa — the collectors' app: the numbered stub book, offline first.
 *
 * Everything the collector does is written to IndexedDB first (the outbox) and synced when the network is
 * there: each payment gets a client UUID (the server's idempotency key) and the next number of the device's
 * block, drawn in the same IndexedDB transaction that stores the payment, so a number is never used twice and a
 * payment is never lost on a reload. The receipt's verification code is signed with the block's key (HMAC-SHA256
 * via WebCrypto, the scheme of the régie's public verification page) and printed with a QR code, on a 58 mm
 * ESC/POS printer over Web Bluetooth when the browser has it, or through the browser's print dialog.
 */
(function () {
  "use strict";

  const API = "/collecte/api/";
  const BATCH = 20;
  const LOW_WATER = 20; // numbers left before the next block is fetched ahead
  const BLOCK_SIZE = 100;
  const SYNC_EVERY_MS = 30000;

  const T = {
    fr: {
      sync: "Synchroniser", register_title: "Enregistrer cet appareil",
      register_help: "Une seule fois, avec votre identifiant de la commune.", username: "Identifiant",
      password: "Mot de passe", device_name: "Nom de l'appareil", register: "Enregistrer",
      find_payer: "Rechercher un redevable", search_ph: "Nom, CIN, RC, ICE ou référence", asset: "Bien / activité",
      tax: "Taxe", base: "Assiette", period: "Période", method: "Mode de paiement", cash: "Espèces", cheque: "Chèque",
      take: "Encaisser", print: "Imprimer", print_bt: "Imprimante Bluetooth", new_payment: "Nouveau paiement",
      today: "Reçus de l'appareil", close_title: "Clôture de la journée", counted: "Espèces comptées (DH)",
      close: "Clôturer et verser", device: "Appareil", forget: "Oublier cet appareil", online: "En ligne",
      offline: "Hors ligne", pending: "en attente", synced: "reçu par la commune", refused: "refusé",
      no_asset: "— aucun —", block: "Carnet", next_number: "prochain n°", numbers_left: "numéros restants",
      no_numbers: "Carnet épuisé : synchronisez pour recevoir un nouveau bloc de numéros.",
      no_regie: "Aucune régie ne vous est affectée.", registered: "Appareil enregistré.",
      revoked: "Cet appareil a été révoqué : enregistrez-le à nouveau.", sync_done: "Synchronisé.",
      sync_failed: "Pas de réseau : les reçus restent en attente sur l'appareil.",
      quittance: "Quittance", date: "Date", payer: "Redevable", amount: "Montant", collector: "Percepteur",
      regie: "Régie des recettes", code: "Code de vérification", scan: "Vérifiez ce reçu en scannant le code",
      status_pending: "Émis hors ligne — en attente de synchronisation", status_synced: "Reçu par la commune",
      expected: "Total des reçus du jour", close_pending: "Synchronisez d'abord les reçus en attente.",
      closed: "Journée clôturée : bordereau de versement n°", difference: "Écart", cancel: "Demander l'annulation",
      cancel_reason: "Motif de l'annulation :", cancel_sent: "Demande d'annulation envoyée au régisseur.",
      invalid_base: "Assiette invalide.", no_tariff: "Aucun tarif en vigueur pour cette taxe à cette date.",
      forget_pending: "Des reçus sont en attente : synchronisez avant d'oublier l'appareil.",
      forget_confirm: "Oublier cet appareil ? Il faudra l'enregistrer à nouveau.", loading: "Chargement…",
      late: "journée déjà clôturée : compté le", sync_refused: "paiement(s) refusé(s) : lisez le motif dans la liste et remettez reçu et argent au régisseur.",
      why_DAY_LOCKED: "La journée de ce paiement est clôturée et aucun jour ouvert ne peut le recevoir. Gardez le reçu et l'argent et remettez-les au régisseur, qui le voit dans sa supervision.",
      why_NUMBER_OUTSIDE_BLOCK: "Ce numéro n'est pas dans votre carnet ouvert (bloc rendu, clôturé ou d'un collègue). Remettez le reçu et l'argent au régisseur : il a reçu un incident.",
      why_NUMBER_ALREADY_USED: "Ce numéro a déjà servi pour un autre reçu. Remettez ce reçu et l'argent au régisseur.",
      why_CLIENT_UUID_REUSED: "La commune a déjà reçu ce paiement avec d'autres données. Montrez ce reçu au régisseur.",
      why_AMOUNT_MISMATCH: "Le montant du reçu ne correspond pas au tarif de ce jour. Ne rendez rien : montrez le reçu au régisseur.",
      why_other: "Refusé par la commune. Gardez le reçu et l'argent et montrez-les au régisseur. Motif :",
    },
    ar: {
      sync: "مزامنة", register_title: "تسجيل هذا الجهاز", register_help: "مرة واحدة، بمعرّفك في الجماعة.",
      username: "اسم المستخدم", password: "كلمة المرور", device_name: "اسم الجهاز", register: "تسجيل",
      find_payer: "البحث عن ملزم", search_ph: "الاسم، ب.و.ت، السجل التجاري، التعريف الموحد أو المرجع",
      asset: "الملك / النشاط", tax: "الرسم", base: "الوعاء", period: "الفترة", method: "طريقة الأداء", cash: "نقدا",
      cheque: "شيك", take: "تحصيل", print: "طباعة", print_bt: "طابعة بلوتوث", new_payment: "أداء جديد",
      today: "وصولات الجهاز", close_title: "إغلاق اليوم", counted: "النقود المعدودة (درهم)", close: "إغلاق ودفع",
      device: "الجهاز", forget: "نسيان هذا الجهاز", online: "متصل", offline: "غير متصل", pending: "في الانتظار",
      synced: "توصلت به الجماعة", refused: "مرفوض", no_asset: "— لا شيء —", block: "الدفتر",
      next_number: "الرقم الموالي", numbers_left: "أرقام متبقية",
      no_numbers: "نفد الدفتر: قم بالمزامنة للحصول على مجموعة أرقام جديدة.", no_regie: "لا توجد وكالة مسندة إليك.",
      registered: "تم تسجيل الجهاز.", revoked: "تم إلغاء هذا الجهاز: سجله من جديد.", sync_done: "تمت المزامنة.",
      sync_failed: "لا توجد شبكة: تبقى الوصولات في الانتظار على الجهاز.", quittance: "وصل أداء", date: "التاريخ",
      payer: "الملزم", amount: "المبلغ", collector: "المحصل", regie: "وكالة المداخيل", code: "رمز التحقق",
      scan: "تحقق من هذا الوصل بمسح الرمز", status_pending: "صدر دون اتصال — في انتظار المزامنة",
      status_synced: "توصلت به الجماعة", expected: "مجموع وصولات اليوم",
      close_pending: "قم أولا بمزامنة الوصولات المنتظرة.", closed: "تم إغلاق اليوم: ورقة الدفع رقم",
      difference: "الفرق", cancel: "طلب الإلغاء", cancel_reason: "سبب الإلغاء:",
      cancel_sent: "أرسل طلب الإلغاء إلى الوكيل.", invalid_base: "وعاء غير صالح.",
      no_tariff: "لا توجد تعريفة سارية لهذا الرسم في هذا التاريخ.",
      forget_pending: "توجد وصولات في الانتظار: قم بالمزامنة قبل نسيان الجهاز.",
      forget_confirm: "نسيان هذا الجهاز؟ سيتعين تسجيله من جديد.", loading: "جار التحميل…",
      late: "اليوم مغلق: احتسب بتاريخ", sync_refused: "أداء(ات) مرفوض(ة): اقرأ السبب في القائمة وسلم الوصل والمبلغ للوكيل.",
      why_DAY_LOCKED: "يوم هذا الأداء مغلق ولا يوجد يوم مفتوح لاستقباله. احتفظ بالوصل والمبلغ وسلمهما للوكيل، فهو يراه في صفحة المراقبة.",
      why_NUMBER_OUTSIDE_BLOCK: "هذا الرقم ليس في دفترك المفتوح (دفتر مرجع أو مغلق أو لزميل). سلم الوصل والمبلغ للوكيل: تم إشعاره بحادث.",
      why_NUMBER_ALREADY_USED: "هذا الرقم استعمل في وصل آخر. سلم هذا الوصل والمبلغ للوكيل.",
      why_CLIENT_UUID_REUSED: "توصلت الجماعة بهذا الأداء ببيانات مختلفة. اعرض هذا الوصل على الوكيل.",
      why_AMOUNT_MISMATCH: "مبلغ الوصل لا يطابق تعريفة ذلك اليوم. لا ترجع شيئا: اعرض الوصل على الوكيل.",
      why_other: "رفضته الجماعة. احتفظ بالوصل والمبلغ واعرضهما على الوكيل. السبب:",
    },
  };

  const $ = (sel) => document.querySelector(sel);
  const commune = JSON.parse($("#commune-data").textContent || "{}");
  let lang = localStorage.getItem("collecte-lang") || (document.documentElement.lang === "ar" ? "ar" : "fr");
  const t = (key) => (T[lang] && T[lang][key]) || T.fr[key] || key;

  // --- IndexedDB ---------------------------------------------------------------------------------------------

  const dbReady = new Promise((resolve, reject) => {
    const open = indexedDB.open("collecte-" + (commune.slug || "commune"), 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("meta", {keyPath: "k"});
      const outbox = db.createObjectStore("outbox", {keyPath: "uuid"});
      outbox.createIndex("status", "status");
      db.createObjectStore("redevables", {keyPath: "id"});
      db.createObjectStore("assets", {keyPath: "id"});
      db.createObjectStore("taxes", {keyPath: "id"});
      db.createObjectStore("tariffs", {keyPath: "id"});
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function transact(stores, mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const tx = db.transaction(stores, mode);
      let result;
      Promise.resolve(work(tx)).then((r) => { result = r; }, (e) => { try { tx.abort(); } catch (_) { /* done */ } reject(e); });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("aborted"));
    });
  }

  const metaGet = (k) => transact(["meta"], "readonly", (tx) => done(tx.objectStore("meta").get(k)).then((r) => (r ? r.v : undefined)));
  const metaPut = (k, v) => transact(["meta"], "readwrite", (tx) => { tx.objectStore("meta").put({k, v}); });
  const all = (store) => transact([store], "readonly", (tx) => done(tx.objectStore(store).getAll()));
  const outboxWith = (status) => transact(["outbox"], "readonly", (tx) => done(tx.objectStore("outbox").index("status").getAll(status)));
  const outboxPut = (item) => transact(["outbox"], "readwrite", (tx) => { tx.objectStore("outbox").put(item); });

  // --- state in memory (reference data for fast search) ------------------------------------------------------

  const state = {device: null, session: null, redevables: [], assets: [], taxes: [], tariffs: [], selected: null, receipt: null};

  async function loadReference() {
    [state.redevables, state.assets, state.taxes, state.tariffs] = await Promise.all(
      ["redevables", "assets", "taxes", "tariffs"].map(all));
  }

  // --- money: integer arithmetic, rounded half up like the server ----------------------------------------------

  function scaled(text, places) {
    const m = String(text).trim().replace(",", ".").match(/^(\d+)(?:\.(\d+))?$/);
    if (!m) return null;
    const frac = (m[2] || "").padEnd(places, "0");
    if (frac.length > places && /[1-9]/.test(frac.slice(places))) return null;
    return BigInt(m[1]) * 10n ** BigInt(places) + BigInt(frac.slice(0, places) || "0");
  }

  function amountOf(base, rate) {
    const b = scaled(base, 2), r = scaled(rate, 4);
    if (b === null || r === null || b <= 0n) return null;
    const cents = (b * r + 5000n) / 10000n; // base in cents × rate in 1e-4 → 1e-6 DH
    return `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
  }

  const money = (s) => (lang === "fr" ? String(s).replace(".", ",") : String(s)) + " DH";
  // Dates and times in the commune's zone (Africa/Casablanca), whatever zone the phone's clock is set to: the
  // receipt, the accounting day and the exercice are the commune's. The offsets come from the server (Morocco's
  // clock moves for Ramadan: a phone's zone data is often stale); without them, the browser's zone data.
  const OFFSETS = commune.utc_offsets || [];
  const two = (n) => String(n).padStart(2, "0");
  function zoned(d) {
    let offset = null;
    for (const [from, minutes] of OFFSETS) { if (from <= d.getTime()) offset = minutes; else break; }
    if (offset === null) {
      const p = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {timeZone: commune.time_zone || "Africa/Casablanca",
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23"})
        .formatToParts(d).map((x) => [x.type, x.value]));
      return {year: Number(p.year), month: Number(p.month), day: p.day, hm: `${p.hour}:${p.minute}`, mm: p.month};
    }
    const s = new Date(d.getTime() + offset * 60000);
    return {year: s.getUTCFullYear(), month: s.getUTCMonth() + 1, day: two(s.getUTCDate()),
      hm: `${two(s.getUTCHours())}:${two(s.getUTCMinutes())}`, mm: two(s.getUTCMonth() + 1)};
  }
  const localDay = (d) => { const z = zoned(d); return `${z.year}-${z.mm}-${z.day}`; };
  const localTime = (d) => zoned(d).hm;

  function tariffOn(taxId, day) {
    return state.tariffs.filter((x) => x.tax_id === taxId && x.valid_from <= day)
      .sort((a, b) => (a.valid_from < b.valid_from ? 1 : -1))[0] || null;
  }

  // --- the server --------------------------------------------------------------------------------------------

  class Offline extends Error {}
  class Unauthorized extends Error {}
  class Refused extends Error { constructor(body) { super(body.message || body.code); this.body = body; } }

  async function api(path, {method = "GET", body, token} = {}) {
    const headers = {"Accept": "application/json", "Accept-Language": lang};
    const device = token ? {token} : state.device;
    if (device) headers["Authorization"] = "Device " + device.token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(API + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store"});
    } catch (e) {
      throw new Offline(String(e));
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 401) throw new Unauthorized(data.message || "401");
    if (!response.ok) throw new Refused(data);
    return data;
  }

  // --- numbers: the device's blocks ----------------------------------------------------------------------------

  function regie() {
    return state.session && state.session.regies && state.session.regies[0];
  }

  async function ensureBlocks() {
    const r = regie();
    if (!r) return;
    const exercice = zoned(new Date()).year;
    const pending = await outboxWith("pending");
    let blocks = (await metaGet("blocks")) || [];
    // A used-up block with nothing left to sync goes back to the régie (its unused numbers: none).
    for (const b of blocks.filter((x) => x.next > x.last_number && !pending.some((p) => p.block_id === x.block_id))) {
      try { await api(`blocks/${b.block_id}/return/`, {method: "POST", body: {}}); } catch (e) { if (!(e instanceof Refused)) throw e; }
      await transact(["meta"], "readwrite", async (tx) => {
        const store = tx.objectStore("meta");
        const cur = ((await done(store.get("blocks"))) || {v: []}).v;
        store.put({k: "blocks", v: cur.filter((x) => x.block_id !== b.block_id)});
      });
    }
    blocks = (await metaGet("blocks")) || [];
    const usable = blocks.filter((b) => b.regie_id === r.id && b.exercice === exercice && b.next <= b.last_number);
    const left = usable.reduce((n, b) => n + (b.last_number - b.next + 1), 0);
    if (usable.length < 2 && left < LOW_WATER) {
      const fresh = await api("blocks/", {method: "POST", body: {regie_id: r.id, exercice, size: BLOCK_SIZE}});
      await transact(["meta"], "readwrite", async (tx) => {
        const store = tx.objectStore("meta");
        const cur = ((await done(store.get("blocks"))) || {v: []}).v;
        if (!cur.some((x) => x.block_id === fresh.block_id)) cur.push({...fresh, next: fresh.first_number});
        cur.sort((a, b) => a.first_number - b.first_number);
        store.put({k: "blocks", v: cur});
      });
    }
  }

  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // The number is drawn and the payment stored in one IndexedDB transaction: both or neither.
  function recordPayment(payment) {
    return transact(["meta", "outbox"], "readwrite", async (tx) => {
      const meta = tx.objectStore("meta");
      const blocks = ((await done(meta.get("blocks"))) || {v: []}).v;
      const block = blocks.find((b) => b.regie_id === payment.regie_id && b.exercice === payment.exercice && b.next <= b.last_number);
      if (!block) throw new Error("no_numbers");
      const item = {...payment, uuid: uuid4(), block_id: block.block_id, series: block.series, number: block.next,
        key: block.key, status: "pending"};
      block.next += 1;
      meta.put({k: "blocks", v: blocks});
      tx.objectStore("outbox").add(item);
      return item;
    });
  }

  // --- verification code (the régie's scheme) ------------------------------------------------------------------

  const hexBytes = (hex) => new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));

  async function receiptCode(item) {
    const key = await crypto.subtle.importKey("raw", hexBytes(item.key), {name: "HMAC", hash: "SHA-256"}, false, ["sign"]);
    const message = `${item.exercice}|${item.series}|${item.number}|${item.amount_dh}`;
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
    const signature = [...mac].map((x) => x.toString(16).padStart(2, "0")).join("").slice(0, 12);
    return `${item.exercice}-${item.series}-${item.number}-${signature}`;
  }

  // The amount rides along: the public page can then check a receipt signed offline the commune has not received.
  const verifyUrl = (item) => `${location.origin}/regie/verify/${item.code}/?amount=${item.amount_dh}`;

  // --- sync ---------------------------------------------------------------------------------------------------

  let syncing = null;

  function wire(item) {
    return {uuid: item.uuid, block_id: item.block_id, number: item.number, redevable_id: item.redevable_id,
      tax_id: item.tax_id, base: item.base, period: item.period, payment_method: item.payment_method,
      collected_at: item.collected_at, amount_dh: item.amount_dh};
  }

  async function applyResults(items, results) {
    const byUuid = new Map(results.map((r) => [r.uuid, r]));
    await transact(["outbox"], "readwrite", (tx) => {
      const store = tx.objectStore("outbox");
      for (const item of items) {
        const r = byUuid.get(item.uuid);
        if (!r) continue;
        if (r.status === "refused") Object.assign(item, {status: "refused", error: {code: r.code, message: r.message}});
        else {
          // A payment of a day closed before this sync is booked into the next open day: counted in that close.
          const extra = r.extra || {};
          Object.assign(item, {status: "synced", quittance_id: r.quittance_id, error: null});
          if (extra.late && extra.day) Object.assign(item, {day: extra.day, late: true});
        }
        store.put(item);
      }
    });
  }

  // Returns how many payments the commune refused in this sync (each keeps its reason on the device).
  async function upload() {
    const pending = (await outboxWith("pending")).sort((a, b) => a.block_id - b.block_id || a.number - b.number);
    let refused = 0;
    for (let i = 0; i < pending.length; i += BATCH) {
      const chunk = pending.slice(i, i + BATCH);
      const response = await api("payments/", {method: "POST", body: {payments: chunk.map(wire)}});
      await applyResults(chunk, response.results);
      refused += response.results.filter((r) => r.status === "refused").length;
      await renderPending();
    }
    return refused;
  }

  // A refusal in plain words, with what to do (the server's message when the code is not one we explain).
  function refusalText(error) {
    const code = (error && error.code) || "";
    return T[lang]["why_" + code] || T.fr["why_" + code] || `${t("why_other")} ${(error && error.message) || code}`;
  }

  async function download() {
    const cursor = await metaGet("cursor");
    const data = await api("reference/" + (cursor ? "?since=" + encodeURIComponent(cursor) : ""));
    await transact(["meta", "redevables", "assets", "taxes", "tariffs"], "readwrite", (tx) => {
      for (const name of ["redevables", "assets", "taxes", "tariffs"]) {
        const store = tx.objectStore(name);
        for (const row of data[name]) store.put(row);
      }
      tx.objectStore("meta").put({k: "cursor", v: data.cursor});
    });
    await loadReference();
  }

  function sync({quiet = false} = {}) {
    if (!syncing) {
      syncing = (async () => {
        if (!state.device) return false;
        try {
          if (!state.session) {
            state.session = await api("session/");
            await metaPut("session", state.session);
          }
          const refused = await upload();
          await ensureBlocks();
          await download();
          await metaPut("last_sync", new Date().toISOString());
          setOnline(true);
          if (refused) flash(`${refused} ${t("sync_refused")}`, "danger");
          else if (!quiet) flash(t("sync_done"), "success");
          return true;
        } catch (e) {
          if (e instanceof Unauthorized) {
            await forget(true);
            flash(t("revoked"), "danger");
          } else if (e instanceof Offline) {
            setOnline(false);
            if (!quiet) flash(t("sync_failed"), "warning");
          } else {
            flash((e.body && e.body.message) || String(e.message || e), "danger");
          }
          return false;
        } finally {
          syncing = null;
          await renderAll();
          await refreshReceipt();
        }
      })();
    }
    return syncing;
  }

  // For tests and support: send the whole outbox again (synced items included); the server answers each
  // UUID with the quittance it already made and creates nothing.
  async function replayOutbox() {
    const items = await all("outbox");
    const results = [];
    for (let i = 0; i < items.length; i += BATCH) {
      const response = await api("payments/", {method: "POST", body: {payments: items.slice(i, i + BATCH).map(wire)}});
      results.push(...response.results);
    }
    return results;
  }

  // --- printing: ESC/POS raster over Web Bluetooth, or the browser's dialog --------------------------------------

  const PRINTER_SERVICES = [0x18f0, 0xff00, 0xffe0, 0xfee7, "e7810a71-73ae-499d-8c15-faa9aef0c3f2",
    "49535343-fe7d-4ae5-8fa9-9fafd205e455"];
  const DOTS = 384; // a 58 mm printer at 203 dpi

  // The receipt drawn on a canvas (Arabic included: the printers' code pages have no good Arabic), then
  // turned into ESC/POS raster bands (GS v 0).
  function receiptCanvas(item) {
    const lines = receiptLines(item);
    const qr = qrcode(0, "M");
    qr.addData(verifyUrl(item));
    qr.make();
    const cell = Math.max(2, Math.floor(240 / qr.getModuleCount()));
    const qrSize = qr.getModuleCount() * cell;
    const height = 24 + lines.length * 30 + qrSize + 80;
    const canvas = document.createElement("canvas");
    canvas.width = DOTS;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, DOTS, height); ctx.fillStyle = "#000";
    ctx.direction = lang === "ar" ? "rtl" : "ltr";
    let y = 24;
    for (const [text, style] of lines) {
      ctx.font = style === "big" ? "bold 28px sans-serif" : style === "bold" ? "bold 22px sans-serif" : "20px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText(text, DOTS / 2, y, DOTS - 8);
      y += style === "big" ? 36 : 28;
    }
    const x0 = Math.floor((DOTS - qrSize) / 2);
    for (let r = 0; r < qr.getModuleCount(); r++) for (let c = 0; c < qr.getModuleCount(); c++) {
      if (qr.isDark(r, c)) ctx.fillRect(x0 + c * cell, y + r * cell, cell, cell);
    }
    ctx.font = "18px monospace"; ctx.textAlign = "center";
    ctx.fillText(item.code, DOTS / 2, y + qrSize + 26, DOTS - 8);
    return canvas;
  }

  function escpos(item) {
    const canvas = receiptCanvas(item);
    const {width, height} = canvas;
    const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
    const out = [0x1b, 0x40, 0x1b, 0x61, 0x01]; // initialise, centre
    const rowBytes = width / 8, band = 128;
    for (let top = 0; top < height; top += band) {
      const rows = Math.min(band, height - top);
      out.push(0x1d, 0x76, 0x30, 0x00, rowBytes & 0xff, rowBytes >> 8, rows & 0xff, rows >> 8);
      for (let y = top; y < top + rows; y++) for (let xb = 0; xb < rowBytes; xb++) {
        let byte = 0;
        for (let bit = 0; bit < 8; bit++) {
          const i = (y * width + xb * 8 + bit) * 4;
          if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 384) byte |= 0x80 >> bit;
        }
        out.push(byte);
      }
    }
    out.push(0x1b, 0x64, 0x04); // feed 4 lines
    return new Uint8Array(out);
  }

  async function printBluetooth(item) {
    const device = await navigator.bluetooth.requestDevice({acceptAllDevices: true, optionalServices: PRINTER_SERVICES});
    const server = await device.gatt.connect();
    let target = null;
    for (const uuid of PRINTER_SERVICES) {
      try {
        const service = await server.getPrimaryService(uuid);
        const chars = await service.getCharacteristics();
        target = chars.find((c) => c.properties.writeWithoutResponse || c.properties.write);
        if (target) break;
      } catch (_) { /* not this printer's service */ }
    }
    if (!target) throw new Error("no printer characteristic");
    const bytes = escpos(item);
    for (let i = 0; i < bytes.length; i += 180) {
      const chunk = bytes.slice(i, i + 180);
      if (target.properties.writeWithoutResponse && target.writeValueWithoutResponse) await target.writeValueWithoutResponse(chunk);
      else await target.writeValue(chunk);
    }
    device.gatt.disconnect();
  }

  // --- rendering ---------------------------------------------------------------------------------------------

  function flash(message, kind = "info") {
    const el = $("#flash");
    el.className = `alert alert-${kind} no-print`;
    el.textContent = message;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => el.classList.add("d-none"), 6000);
  }

  function setOnline(online) {
    const el = $("#net-status");
    el.dataset.online = online ? "1" : "0";
    el.className = "badge rounded-pill " + (online ? "bg-light text-success" : "bg-warning text-dark");
    el.textContent = online ? t("online") : t("offline");
  }

  async function renderPending() {
    const n = (await outboxWith("pending")).length;
    const el = $("#pending-count");
    el.textContent = String(n);
    el.dataset.count = String(n);
    el.title = `${n} ${t("pending")}`;
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
    const css = $("#bootstrap-css");
    const href = lang === "ar" ? css.dataset.rtl : css.dataset.ltr;
    if (css.getAttribute("href") !== href) css.setAttribute("href", href);
    document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
    document.querySelectorAll("[data-t-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.tPlaceholder); });
    $("#lang-toggle").textContent = lang === "ar" ? "Français" : "العربية";
    $("#lang-toggle").lang = lang === "ar" ? "fr" : "ar";
    $("#commune-name").textContent = (lang === "ar" ? commune.name_ar : commune.name_fr) || "Collecte";
    const net = $("#net-status");  // the badge is set by state, not by data-t: say it again in the new language
    if (net.dataset.online === "1" || net.dataset.online === "0") setOnline(net.dataset.online === "1");
  }

  // A name in the other script between Unicode isolates (FSI … PDI): "Café Atlas SARL" in an Arabic line keeps its
  // order and does not drag the separators and figures around it.
  const iso = (text) => (text ? `\u2068${text}\u2069` : "");

  const taxName = (tax) => (tax ? (lang === "ar" ? tax.name_ar : tax.name_fr) || tax.code : "");

  async function renderBlocks() {
    const blocks = (await metaGet("blocks")) || [];
    const usable = blocks.filter((b) => b.next <= b.last_number);
    const left = usable.reduce((n, b) => n + (b.last_number - b.next + 1), 0);
    const cur = usable[0];
    $("#block-info").textContent = cur
      ? `${t("block")} ${cur.series} ${cur.first_number}–${cur.last_number} · ${t("next_number")} ${cur.next} · ${left} ${t("numbers_left")}`
      : (regie() ? t("no_numbers") : (state.session ? t("no_regie") : ""));
    $("#block-info").dataset.next = cur ? String(cur.next) : "";
  }

  async function renderOutbox() {
    const items = (await all("outbox")).sort((a, b) => (b.collected_at > a.collected_at ? 1 : -1)).slice(0, 50);
    const list = $("#outbox");
    list.replaceChildren();
    for (const item of items) {
      const li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between align-items-center gap-2 outbox-item";
      li.dataset.status = item.status;
      li.dataset.number = String(item.number);
      li.dataset.uuid = item.uuid;
      const label = document.createElement("span");
      label.className = "small";
      label.textContent = `${item.series}-${item.number} · ${iso(item.payer_name)} · ${money(item.amount_dh)}`;
      if (item.status === "refused") {
        const why = document.createElement("span");
        why.className = "d-block text-danger refusal-reason";
        why.textContent = refusalText(item.error);
        label.append(why);
      } else if (item.late) {
        const late = document.createElement("span");
        late.className = "d-block text-muted late-booking";
        late.textContent = `${t("late")} ${item.day}`;
        label.append(late);
      }
      const status = document.createElement("span");
      status.className = "badge " + ({pending: "bg-warning text-dark", synced: "bg-success", refused: "bg-danger"}[item.status] || "bg-secondary");
      status.textContent = t(item.status);
      li.append(label, status);
      li.addEventListener("click", () => showReceipt(item));
      if (item.status === "synced") {
        const cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "btn btn-sm btn-link text-danger p-0 cancel-request";
        cancel.textContent = t("cancel");
        cancel.addEventListener("click", (ev) => { ev.stopPropagation(); requestCancellation(item); });
        li.append(cancel);
      }
      list.append(li);
    }
    const today = localDay(new Date());
    const mine = (await all("outbox")).filter((i) => i.day === today && i.status !== "refused");
    const total = mine.reduce((c, i) => c + scaled(i.amount_dh, 2), 0n);
    $("#close-expected").textContent = `${t("expected")} (${today}) : ${money(`${total / 100n}.${String(total % 100n).padStart(2, "0")}`)} · ${mine.length}`;
  }

  async function renderAll() {
    applyLanguage();
    await renderPending();
    if (!state.device) {
      $("#register-screen").classList.remove("d-none");
      $("#main-screen").classList.add("d-none");
      return;
    }
    $("#register-screen").classList.add("d-none");
    $("#main-screen").classList.remove("d-none");
    $("#device-info").textContent = `${iso(state.device.name)} · ${iso(state.device.collector)} · #${state.device.id}`;
    await renderBlocks();
    await renderOutbox();
    if (state.selected) renderAmount();
  }

  function normalise(s) {
    return String(s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f\u064b-\u0652\u0640]/g, "")
      .replace(/[أإآ]/g, "ا").replace(/ة/g, "ه").replace(/ى/g, "ي");
  }

  function search(q) {
    const needle = normalise(q).trim();
    const list = $("#search-results");
    list.replaceChildren();
    if (needle.length < 2) return;
    const byAsset = new Set(state.assets.filter((a) => normalise(a.reference + " " + a.label).includes(needle)).map((a) => a.redevable_id));
    const hits = state.redevables.filter((r) => byAsset.has(r.id) ||
      normalise([r.name, r.cin, r.rc, r.ice, r.address].join(" ")).includes(needle)).slice(0, 20);
    for (const r of hits) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action redevable-hit";
      button.dataset.id = String(r.id);
      button.textContent = `${iso(r.name)} — ${iso([r.cin, r.rc, r.ice].filter(Boolean).join(" / "))}`;
      button.addEventListener("click", () => select(r));
      list.append(button);
    }
  }

  function defaultPeriod(tax, d) {
    if (tax && tax.base_kind === "quarter") { const z = zoned(d); return `T${Math.floor((z.month - 1) / 3) + 1} ${z.year}`; }
    return localDay(d);
  }

  function select(redevable) {
    state.selected = redevable;
    $("#search-results").replaceChildren();
    $("#payer-name").textContent = redevable.name;
    $("#payer-name").dir = "auto";
    $("#payer-id").textContent = [redevable.cin, redevable.rc, redevable.ice, redevable.address].filter(Boolean).join(" · ");
    const assets = state.assets.filter((a) => a.redevable_id === redevable.id && a.active);
    const assetSelect = $("#asset");
    assetSelect.replaceChildren(new Option(t("no_asset"), ""));
    for (const a of assets) assetSelect.append(new Option(`${a.reference} ${a.label || ""}`.trim(), String(a.id)));
    const taxSelect = $("#tax");
    taxSelect.replaceChildren();
    for (const tax of state.taxes) taxSelect.append(new Option(taxName(tax), String(tax.id)));
    if (assets.length) { assetSelect.value = String(assets[0].id); onAsset(); } else { onTax(); }
    $("#payment-form").classList.remove("d-none");
    $("#receipt-panel").classList.add("d-none");
  }

  function onAsset() {
    const asset = state.assets.find((a) => String(a.id) === $("#asset").value);
    if (asset && asset.tax_id) $("#tax").value = String(asset.tax_id);
    onTax(asset);
  }

  function onTax(asset) {
    const tax = state.taxes.find((x) => String(x.id) === $("#tax").value);
    asset = asset || state.assets.find((a) => String(a.id) === $("#asset").value);
    let base = "1";
    if (tax && tax.base_kind === "m2" && asset && asset.surface_m2) base = asset.surface_m2;
    if (tax && (tax.base_kind === "percent" || tax.base_kind === "night")) base = "";
    $("#base").value = base;
    $("#period").value = defaultPeriod(tax, new Date());
    renderAmount();
  }

  function renderAmount() {
    const taxId = Number($("#tax").value);
    const tariff = tariffOn(taxId, localDay(new Date()));
    const amount = tariff ? amountOf($("#base").value, tariff.rate) : null;
    $("#rate-line").textContent = tariff ? `${$("#base").value || "?"} × ${Number(tariff.rate)}` : t("no_tariff");
    $("#amount").textContent = amount ? money(amount) : "—";
    $("#amount").dataset.amount = amount || "";
    $("#take-payment").disabled = !amount;
  }

  function receiptLines(item) {
    const name = lang === "ar" ? commune.name_ar : commune.name_fr;
    const when = new Date(item.collected_at);
    return [
      [name || "", "bold"],
      [t("regie"), ""],
      [`${t("quittance")} ${item.series}-${item.number}/${item.exercice}`, "bold"],
      [`${t("date")}: ${localDay(when)} ${localTime(when)}`, ""],
      [`${t("payer")}: ${item.payer_name}`, ""],
      [taxName(state.taxes.find((x) => x.id === item.tax_id)) || item.tax_label, ""],
      [`${t("period")}: ${item.period} · ${item.base} × ${Number(item.rate)}`, ""],
      [money(item.amount_dh), "big"],
      [`${t(item.payment_method)} · ${t("collector")}: ${item.collector}`, ""],
    ];
  }

  async function showReceipt(item) {
    if (!item.code) {
      item.code = await receiptCode(item);
      await outboxPut(item);
    }
    state.receipt = item;
    const box = $("#receipt");
    box.replaceChildren();
    box.dataset.number = String(item.number);
    box.dataset.code = item.code;
    box.dataset.url = verifyUrl(item);
    for (const [text, style] of receiptLines(item)) {
      const div = document.createElement("div");
      div.className = "receipt-line " + (style ? "receipt-" + style : "");
      div.textContent = text;
      box.append(div);
    }
    const qr = qrcode(0, "M");
    qr.addData(verifyUrl(item));
    qr.make();
    const qrBox = document.createElement("div");
    qrBox.id = "receipt-qr";
    qrBox.className = "receipt-qr";
    qrBox.innerHTML = qr.createSvgTag({cellSize: 3, margin: 2, scalable: true});
    const code = document.createElement("div");
    code.className = "receipt-code";
    code.textContent = item.code;
    const status = document.createElement("div");
    status.className = "receipt-status small";
    status.textContent = item.status === "synced" ? t("status_synced")
      : (item.status === "refused" ? `${t("refused")} — ${refusalText(item.error)}` : t("status_pending"));
    box.append(qrBox, code, status);
    $("#payment-form").classList.add("d-none");
    $("#receipt-panel").classList.remove("d-none");
    $("#print-bt").classList.toggle("d-none", !state.bluetooth);
  }

  // The receipt on screen follows its payment's state (pending → received by the commune) and the language.
  async function refreshReceipt() {
    if (!state.receipt || $("#receipt-panel").classList.contains("d-none")) return;
    const fresh = await transact(["outbox"], "readonly", (tx) => done(tx.objectStore("outbox").get(state.receipt.uuid)));
    if (fresh) await showReceipt(fresh);
  }

  async function takePayment(ev) {
    ev.preventDefault();
    const r = regie();
    const redevable = state.selected;
    const tax = state.taxes.find((x) => String(x.id) === $("#tax").value);
    const now = new Date();
    const tariff = tax && tariffOn(tax.id, localDay(now));
    const amount = tariff && amountOf($("#base").value, tariff.rate);
    if (!r || !redevable || !tax || !amount) { flash(tariff ? t("invalid_base") : t("no_tariff"), "danger"); return; }
    let item;
    try {
      item = await recordPayment({
        regie_id: r.id, exercice: zoned(now).year, redevable_id: redevable.id, payer_name: redevable.name,
        tax_id: tax.id, tax_label: taxName(tax), base: String(scaled($("#base").value, 2) / 100n) + "." + String(scaled($("#base").value, 2) % 100n).padStart(2, "0"),
        rate: tariff.rate, period: $("#period").value.trim(), payment_method: $("#method").value,
        collected_at: now.toISOString(), day: localDay(now), amount_dh: amount, collector: state.device.collector,
      });
    } catch (e) {
      flash(e.message === "no_numbers" ? t("no_numbers") : String(e), "danger");
      return;
    }
    await showReceipt(item);
    await renderAll();
    if (navigator.onLine) sync({quiet: true});
  }

  async function requestCancellation(item) {
    const reason = prompt(t("cancel_reason"));
    if (!reason || !reason.trim()) return;
    try {
      await api("cancellations/", {method: "POST", body: {uuid: item.uuid, reason: reason.trim()}});
      flash(t("cancel_sent"), "success");
    } catch (e) {
      flash(e instanceof Offline ? t("sync_failed") : (e.body && e.body.message) || String(e), "danger");
    }
  }

  async function closeDay(ev) {
    ev.preventDefault();
    await sync({quiet: true});
    const today = localDay(new Date());
    const pending = (await outboxWith("pending")).filter((i) => i.day === today);
    if (pending.length) { flash(t("close_pending"), "warning"); return; }
    try {
      const v = await api("close/", {method: "POST", body: {regie_id: regie().id, day: today, counted_dh: $("#counted").value.replace(",", ".")}});
      const box = $("#close-result");
      box.replaceChildren();
      const slip = document.createElement("div");
      slip.className = "alert alert-info";
      slip.id = "versement-slip";
      slip.textContent = `${t("closed")} ${v.number}/${v.exercice} · ${money(v.counted_dh)} · ${t("difference")}: ${money(v.difference_dh)} · ${v.quittance_count}`;
      box.append(slip);
    } catch (e) {
      flash(e instanceof Offline ? t("sync_failed") : (e.body && e.body.message) || String(e), "danger");
    }
  }

  async function register(ev) {
    ev.preventDefault();
    try {
      const device = await api("devices/register/", {method: "POST", body: {
        username: $("#reg-username").value.trim(), password: $("#reg-password").value, name: $("#reg-name").value.trim()}});
      state.device = {id: device.id, name: device.name, collector: device.collector, token: device.token};
      await metaPut("device", state.device);
      $("#reg-password").value = "";
      flash(t("registered"), "success");
      await sync({quiet: true});
    } catch (e) {
      flash(e instanceof Offline ? t("sync_failed") : (e.body && e.body.message) || String(e.message || e), "danger");
    }
  }

  async function forget(force) {
    if (!force) {
      if ((await outboxWith("pending")).length) { flash(t("forget_pending"), "warning"); return; }
      if (!confirm(t("forget_confirm"))) return;
    }
    state.device = null;
    state.session = null;
    await transact(["meta"], "readwrite", (tx) => {
      const store = tx.objectStore("meta");
      for (const k of ["device", "session", "blocks", "cursor"]) store.delete(k);
    });
    await renderAll();
  }

  // --- start --------------------------------------------------------------------------------------------------

  async function start() {
    const bt = $("#print-receipt").cloneNode(false);
    bt.id = "print-bt";
    bt.dataset.t = "print_bt";
    bt.className = "btn btn-outline-primary flex-fill d-none";
    $("#print-receipt").after(bt);
    state.bluetooth = !!(navigator.bluetooth && (await navigator.bluetooth.getAvailability().catch(() => false)));

    state.device = (await metaGet("device")) || null;
    state.session = (await metaGet("session")) || null;
    await loadReference();
    setOnline(navigator.onLine);

    $("#lang-toggle").addEventListener("click", () => {
      lang = lang === "ar" ? "fr" : "ar";
      localStorage.setItem("collecte-lang", lang);
      renderAll().then(refreshReceipt);
    });
    $("#sync-now").addEventListener("click", () => sync());
    $("#register-form").addEventListener("submit", register);
    $("#payment-form").addEventListener("submit", takePayment);
    $("#search").addEventListener("input", (e) => search(e.target.value));
    $("#asset").addEventListener("change", onAsset);
    $("#tax").addEventListener("change", () => onTax());
    $("#base").addEventListener("input", renderAmount);
    $("#new-payment").addEventListener("click", () => {
      state.selected = null;
      $("#receipt-panel").classList.add("d-none");
      $("#payment-form").classList.add("d-none");
      $("#search").value = "";
      $("#search").focus();
    });
    $("#print-receipt").addEventListener("click", () => window.print());
    bt.addEventListener("click", () => printBluetooth(state.receipt).catch((e) => { flash(String(e.message || e), "warning"); window.print(); }));
    $("#close-form").addEventListener("submit", closeDay);
    $("#forget-device").addEventListener("click", () => forget(false));
    window.addEventListener("online", () => { setOnline(true); sync({quiet: true}); });
    window.addEventListener("offline", () => setOnline(false));
    setInterval(() => { if (navigator.onLine) sync({quiet: true}); }, SYNC_EVERY_MS);

    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/collecte/sw.js", {scope: "/collecte/"}).catch((e) => console.warn("service worker", e));
    }
    await renderAll();
    $("#app").dataset.ready = "1";
    if (state.device && navigator.onLine) sync({quiet: true});
  }

  window.collecte = {sync, replayOutbox, escpos, amountOf, receiptCode, state, outbox: () => all("outbox")};
  start();
})();
