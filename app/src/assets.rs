//! The name the bundle's stylesheet is served under: `/pkg/fnconsole.css`, or with
//! cargo-leptos's `hash-files` its content-hashed `/pkg/fnconsole.HASH.css`.

/// The stylesheet's URL path, provided as context by the server's shell to `App`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StylesheetHref(pub String);

#[cfg(feature = "ssr")]
impl StylesheetHref {
    /// The name for this process's `options`, read once: the hash file is the bundle the
    /// binary was built with, so it does not change while it runs (the shell asks per page).
    pub fn cached(options: &leptos::config::LeptosOptions) -> Self {
        static HREF: std::sync::OnceLock<StylesheetHref> = std::sync::OnceLock::new();
        HREF.get_or_init(|| Self::of(options)).clone()
    }

    /// The name for `options`: hashed when `hash_files` is on and the hash file names a `css`
    /// hash (Leptos reads the same file for the scripts; a relative path is beside the binary).
    pub fn of(options: &leptos::config::LeptosOptions) -> Self {
        let pkg = &options.site_pkg_dir;
        let name = &options.output_name;
        let hash = options
            .hash_files
            .then(|| std::fs::read_to_string(hash_file(options)).ok())
            .flatten()
            .and_then(|text| css_hash(&text));
        Self(match hash {
            Some(hash) => format!("/{pkg}/{name}.{hash}.css"),
            None => format!("/{pkg}/{name}.css"),
        })
    }
}

#[cfg(feature = "ssr")]
fn hash_file(options: &leptos::config::LeptosOptions) -> std::path::PathBuf {
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_default();
    // `join` keeps an absolute path as it is.
    beside_binary.join(options.hash_file.as_ref())
}

/// The `css: HASH` line of cargo-leptos's hash file.
#[cfg(feature = "ssr")]
fn css_hash(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(file, _)| file.trim() == "css")
        .map(|(_, hash)| hash.trim().to_string())
        .filter(|hash| !hash.is_empty())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use leptos::config::LeptosOptions;

    fn options(hash_file: Option<&std::path::Path>) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("fnconsole")
            .site_pkg_dir("pkg")
            .hash_files(hash_file.is_some())
            .hash_file(
                hash_file
                    .map(|p| p.to_string_lossy().into())
                    .unwrap_or_default(),
            )
            .build()
    }

    #[test]
    fn the_hashed_name_comes_from_the_hash_files_css_line() {
        let dir = std::env::temp_dir().join(format!("fnconsole-css-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("hash.txt");
        std::fs::write(&file, "js: 1a2b\nwasm: 3c4d\ncss: 5e6f\n").unwrap();
        let href = StylesheetHref::of(&options(Some(&file)));
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(href.0, "/pkg/fnconsole.5e6f.css");
    }

    #[test]
    fn without_hashing_the_plain_name() {
        assert_eq!(StylesheetHref::of(&options(None)).0, "/pkg/fnconsole.css");
    }
}
