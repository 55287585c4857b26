#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Choosing the charset of a page: what browsers do, and better where they fail.
///
/// 1. A byte-order mark (it is in the bytes; nothing overrides it).
/// 2. A forced encoding (`--encoding`).
/// 3. The HTTP `Content-Type` charset of a fetched page, then `<meta charset>` (or
///    `<meta http-equiv>`, `<?xml encoding?>`), with two corrections:
///    - a declared legacy charset (gb2312, shift_jis, windows-1252…) loses to bytes that are
///      valid UTF-8 with non-ASCII text: pages saved by crawlers and "save as" keep the old
///      `<meta>` over re-encoded text, and legacy-encoded CJK text is almost never valid UTF-8;
///    - a declared UTF-8 that the bytes contradict (many invalid sequences; servers send
///      `charset=UTF-8` by default) gives way to the next declaration.
/// 4. Nothing usable declared: UTF-8 when the bytes are (mostly) UTF-8, else a guess among
///    GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR, Windows-1251, KOI8-R and Windows-1252 from
///    how each decodes the bytes (invalid sequences, and how many decoded characters are
///    among the most frequent of the language), reported so the caller can warn.
extension Charset {
    public struct Decision: Sendable, Equatable {
        public enum Source: String, Sendable {
            case byteOrderMark = "byte-order mark"
            case forced = "--encoding"
            case transport = "HTTP Content-Type"
            case meta = "<meta charset>"
            /// Valid UTF-8 with non-ASCII text, over a declared legacy charset.
            case utf8Content = "UTF-8 content"
            /// Undeclared (or contradicted) and not UTF-8: a guess.
            case guessed = "guess"
            /// Undeclared and UTF-8 (or plain ASCII).
            case fallback = "default"
        }
        /// The iconv name of the encoding to decode with.
        public var encoding: String
        public var source: Source
        /// A declared charset the bytes contradicted (the page said gb2312 and is UTF-8, or
        /// said UTF-8 and is not), as the page or header spelled it.
        public var overridden: String?
        /// For a guess: the share of the decoded text that looks like the language, 0…1.
        public var confidence: Double = 1
        /// A forced encoding a byte-order mark overruled.
        public var ignoredForced: String?

        /// A warning for the user, when the choice deserves one (a guess, an ignored
        /// `--encoding`), naming the encoding and the flag to change it.
        public var warning: String? {
            if let f = ignoredForced {
                return "charset: the input starts with a \(encoding) byte-order mark; --encoding \(f) is ignored"
            }
            guard source == .guessed else { return nil }
            let name = Charset.displayName(encoding)
            let why = overridden.map { "declares \($0) but is not valid \($0)" } ?? "declares no charset and is not UTF-8"
            let sure = confidence >= 0.5 ? "" : " (a weak guess)"
            return "charset: the input \(why); read as \(name)\(sure). If the text looks wrong, give --encoding NAME (e.g. --encoding \(Charset.alternative(to: encoding)))"
        }
    }

    /// The charset of `bytes` (see the type's comment for the order). `forced` and
    /// `transport` are labels (`gbk`, `Shift_JIS`, `utf-8`); unknown labels are ignored.
    public static func resolve(_ bytes: UnsafeRawBufferPointer, forced: String? = nil, transport: String? = nil) -> Decision {
        var bom: String?
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bom = "UTF-8" }
        else if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { bom = "UTF-16LE" }
        else if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { bom = "UTF-16BE" }
        let forcedName = forced.flatMap(supportedName)
        if let bom {
            var d = Decision(encoding: bom, source: .byteOrderMark)
            if let f = forcedName, f != bom, let label = forced { d.ignoredForced = label }
            return d
        }
        if let f = forcedName { return Decision(encoding: f, source: .forced) }

        // UTF-8 validity, computed once and only when needed.
        var utf8State: UTF8Verdict?
        func utf8() -> UTF8Verdict {
            if let v = utf8State { return v }
            let v = utf8Verdict(bytes)
            utf8State = v
            return v
        }

        var contradicted: String?
        let declarations: [(label: String, source: Decision.Source)] =
            [transport.map { ($0, .transport) }, declaredCharset(bytes).map { ($0, .meta) }].compactMap { $0 }
        for (label, source) in declarations {
            guard let name = supportedName(label) else { continue }
            if name.hasPrefix("UTF-16") {
                // Said UTF-16 but reached us as ASCII-compatible bytes: not UTF-16.
                continue
            }
            if name == "UTF-8" {
                if utf8() != .invalid { return Decision(encoding: name, source: source) }
                contradicted = contradicted ?? label
                continue
            }
            if utf8() == .validWithNonASCII {
                return Decision(encoding: "UTF-8", source: .utf8Content, overridden: label)
            }
            return Decision(encoding: name, source: source)
        }
        if utf8() != .invalid { return Decision(encoding: "UTF-8", source: .fallback) }
        let g = guess(bytes)
        return Decision(encoding: g.encoding, source: .guessed, overridden: contradicted, confidence: g.confidence)
    }

    enum UTF8Verdict { case ascii, validWithNonASCII, mostlyValid, invalid }

    /// ASCII, valid UTF-8, UTF-8 with a few damaged sequences (at most one per ten good
    /// multi-byte characters, and not more than 1 % of the non-ASCII bytes), or not UTF-8.
    static func utf8Verdict(_ raw: UnsafeRawBufferPointer) -> UTF8Verdict {
        let bytes = raw.bindMemory(to: UInt8.self)
        if isValidUTF8WithoutNUL(bytes) {
            return bytes.contains(where: { $0 >= 0x80 }) ? .validWithNonASCII : .ascii
        }
        var good = 0, bad = 0, high = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            high += 1
            let len: Int
            switch b {
            case 0xC2...0xDF: len = 2
            case 0xE0...0xEF: len = 3
            case 0xF0...0xF4: len = 4
            default: len = 0
            }
            var ok = len > 0 && i + len <= n
            if ok { for k in 1..<len where bytes[i + k] & 0xC0 != 0x80 { ok = false; break } }
            if ok { good += 1; i += len } else { bad += 1; i += 1 }
        }
        if bad == 0 { return .mostlyValid }  // only NUL bytes were wrong
        return good >= bad * 10 && bad * 100 <= high ? .mostlyValid : .invalid
    }

    /// A readable name for an iconv name (`GB18030` → `GBK (GB18030)`).
    static func displayName(_ encoding: String) -> String {
        switch encoding {
        case "GB18030": return "GBK/GB18030"
        case "BIG5-HKSCS": return "Big5"
        case "CP932": return "Shift_JIS"
        case "CP949": return "EUC-KR"
        case "WINDOWS-1252": return "Windows-1252"
        case "WINDOWS-1251": return "Windows-1251"
        default: return encoding
        }
    }

    /// The `--encoding` value to suggest when a guess was wrong: the likeliest other one.
    static func alternative(to encoding: String) -> String {
        switch encoding {
        case "GB18030": return "big5"
        case "BIG5-HKSCS": return "gbk"
        case "CP932": return "euc-jp"
        case "EUC-JP": return "shift_jis"
        case "CP949": return "gbk"
        case "WINDOWS-1251": return "koi8-r"
        case "KOI8-R": return "windows-1251"
        default: return "gbk"
        }
    }

    // MARK: - Guessing

    /// The likeliest legacy encoding of bytes that are not UTF-8, and how sure (0…1).
    public static func guess(_ raw: UnsafeRawBufferPointer) -> (encoding: String, confidence: Double) {
        // A sample is enough; cut it at an ASCII byte so no character is split.
        var n = min(raw.count, 256 * 1024)
        if n < raw.count { while n > 0, raw[n - 1] >= 0x80 { n -= 1 } }
        let sample = UnsafeRawBufferPointer(rebasing: raw[0..<n])

        var best = (encoding: "WINDOWS-1252", score: latinScore(sample))
        for (encoding, language) in candidates {
            let s = score(sample, encoding: encoding, language: language)
            if s > best.score { best = (encoding, s) }
        }
        return (best.encoding, max(0, min(1, best.score)))
    }

    enum Language { case chinese, japanese, korean, russian }

    static let candidates: [(String, Language)] = [
        ("GB18030", .chinese), ("BIG5-HKSCS", .chinese), ("CP932", .japanese), ("EUC-JP", .japanese),
        ("CP949", .korean), ("WINDOWS-1251", .russian), ("KOI8-R", .russian),
    ]

    /// Decodes `sample` as `encoding` and scores the result: the share of non-ASCII
    /// characters that are among the language's most frequent, less twice the invalid
    /// sequences (a wrong multi-byte encoding decodes into rare characters, or fails).
    static func score(_ sample: UnsafeRawBufferPointer, encoding: String, language: Language) -> Double {
        guard let (text, errors) = decodeCounting(sample, from: encoding) else { return -1 }
        var total = 0, hits = 0
        for u in text.unicodeScalars where u.value >= 0x80 {
            total += 1
            if Frequent.contains(u, language) { hits += 1 }
        }
        guard total + errors > 0 else { return -1 }
        return (Double(hits) - 2 * Double(errors)) / Double(total + errors)
    }

    /// How Latin-like the non-ASCII bytes are: Windows-1252 text has accented letters and
    /// typographic punctuation one or two at a time between ASCII letters; CJK and Cyrillic
    /// text has runs of high bytes.
    static func latinScore(_ sample: UnsafeRawBufferPointer) -> Double {
        var high = 0, latin = 0
        var i = 0
        let n = sample.count
        while i < n {
            if sample[i] < 0x80 { i += 1; continue }
            var j = i
            while j < n, sample[j] >= 0x80 { j += 1 }
            let run = j - i
            high += run
            if run <= 2 {
                for k in i..<j where isLatin1252(sample[k]) { latin += 1 }
            }
            i = j
        }
        return high == 0 ? 0 : Double(latin) / Double(high)
    }

    private static func isLatin1252(_ b: UInt8) -> Bool {
        switch b {
        case 0x80, 0x82...0x8C, 0x8E, 0x91...0x9C, 0x9E, 0x9F: return true  // € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ' ' " " • – — ˜ ™ š › œ ž Ÿ
        case 0xA0...0xBF: return true  // nbsp, ¡ ¢ £ © « ° ± ² ³ ´ µ ¶ · º » ¼ ½ ¾ ¿
        case 0xC0...0xFF: return b != 0xD7 && b != 0xF7  // letters, not × ÷
        default: return false
        }
    }

    /// `bytes` decoded from `encoding`, and how many invalid sequences it has; nil when
    /// iconv does not know the encoding.
    static func decodeCounting(_ input: UnsafeRawBufferPointer, from encoding: String) -> (String, Int)? {
        guard let (bytes, errors) = iconvToUTF8(input, from: encoding, replacement: []) else { return nil }
        return (String(decoding: bytes, as: UTF8.self), errors)
    }
}

/// The most frequent characters of each language the guesser tells apart: a correct
/// decoding of ordinary text is mostly made of them, a wrong one rarely.
enum Frequent {
    /// About 500 of the most frequent Chinese characters, simplified and traditional forms
    /// (many are the same), and CJK punctuation.
    static let chinese: Set<UInt32> = Set((
        "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切"
        + "這來國個說們為時會著過學對裡後麼沒於還發當無開見經頭從動兩長樣現將實與點種聲話兒問機給幾業間電門東聽氣關並內卻軍產萬體別處總場師書員報馬張難數車應親務記邊戰許覺請愛讓認論義術結連遠資隊帶條變聯權傳紅決達辦強區轉眾輕語滿寫識極黃錢黨設雙歷視濟離雖壞興際單據導網專誰讀飛觀爭組葉農價險線鐘類圖參構選領"
        + "，。、；：？！「」『』《》（）“”‘’…—·【】〔〕"
    ).unicodeScalars.map(\.value))

    /// The most frequent Hangul syllables.
    static let korean: Set<UInt32> = Set((
        "이다는의에하고을가한서지로기도를사리수으자대아나게어해인시일정라전것적보부들있없되했니요면만상내우그주국장제경화성원무와과소동발관문학생분여미마위공중말년월간개물신계실선러오구연까모단치비거때민회방심세조당식야금통행운명저영데산드습또생각람같및더러운업체던록강교습약명진출특합반호입품권재임현결점설결변차련필두방법평결토론청질현담"
    ).unicodeScalars.map(\.value))

    /// Frequent Russian letters, lower case (a wrong single-byte Cyrillic decoding turns
    /// them into capitals or into letters of the other half of the alphabet).
    static let russian: Set<UInt32> = Set("оеаинтсрвлкмдпуяызьбгчй".unicodeScalars.map(\.value))

    static func contains(_ u: Unicode.Scalar, _ language: Charset.Language) -> Bool {
        let v = u.value
        switch language {
        case .chinese:
            return chinese.contains(v) || (v >= 0xFF01 && v <= 0xFF5E)
        case .japanese:
            // Hiragana and katakana (not the half-width forms a wrong decoding makes),
            // punctuation and the kanji shared with Chinese.
            return (v >= 0x3040 && v <= 0x30FF) || (v >= 0x3000 && v <= 0x303F) || (v >= 0xFF01 && v <= 0xFF5E)
                || chinese.contains(v)
        case .korean:
            return korean.contains(v)
        case .russian:
            return russian.contains(v)
        }
    }
}
