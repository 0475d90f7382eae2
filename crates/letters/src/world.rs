//! The typst [`World`] a letter is compiled in: one main source (the template), one virtual data file
//! (`/letter.json`), the fonts embedded by `typst-assets`, the standard library and a fixed date. No
//! file system, no network, no packages: anything else the template asks for is "not found".

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The template, compiled into the binary.
const TEMPLATE: &str = include_str!("../templates/letter.typ");

/// The path under which the template reads the letter's data (`json("/letter.json")`).
pub(crate) const DATA_PATH: &str = "/letter.json";

/// The fonts shipped with typst (Libertinus Serif, New Computer Modern, DejaVu Sans Mono), parsed once.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    Fonts { book, fonts }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn project_file(path: &str) -> FileId {
    // Both paths are constants written above, so `VirtualPath::new` cannot fail on them.
    let vpath = VirtualPath::new(path).unwrap_or_else(|e| panic!("invalid constant path {path}: {e:?}"));
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| project_file("/letter.typ"));
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| project_file(DATA_PATH));

/// One compilation: the template plus one letter's data.
pub(crate) struct LetterWorld {
    main: Source,
    data: Bytes,
    today: Datetime,
}

impl LetterWorld {
    pub(crate) fn new(data: Vec<u8>, today: Datetime) -> Self {
        Self { main: Source::new(*MAIN_ID, TEMPLATE.to_owned()), data: Bytes::new(data), today }
    }
}

impl World for LetterWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(not_found(id)) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}
