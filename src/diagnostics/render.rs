//! Rendering of diagnostics with ariadne, in colour for terminals or as plain text for tests.

use ariadne::{Color, Config, IndexType, Label as AriadneLabel, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::source::SourceMap;

/// Renders diagnostics one after the other, as a terminal would show them.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    // One cache for all diagnostics: building it copies every source file.
    let mut cache = source_cache(sources);
    diagnostics
        .iter()
        .map(|diagnostic| render_cached(diagnostic, sources, color, &mut cache))
        .collect()
}

/// Renders one diagnostic; without colour the text has no escape codes.
pub fn render_one(diagnostic: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    render_cached(diagnostic, sources, color, &mut source_cache(sources))
}

fn source_cache(sources: &SourceMap) -> impl ariadne::Cache<String> + use<> {
    ariadne::sources(
        sources
            .files()
            .map(|(_, file)| (file.name.clone(), file.text.clone()))
            .collect::<Vec<_>>(),
    )
}

fn render_cached(
    diagnostic: &Diagnostic,
    sources: &SourceMap,
    color: bool,
    cache: &mut impl ariadne::Cache<String>,
) -> String {
    let name_of = |span: crate::source::Span| sources.get(span.file).name.clone();
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let primary_color = match diagnostic.severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
    };
    let config = Config::default()
        .with_color(color)
        .with_index_type(IndexType::Byte);

    let primary = &diagnostic.primary;
    let location = (name_of(primary.span), primary.span.range());
    let mut report = Report::build(kind, location)
        .with_config(config)
        .with_code(diagnostic.code)
        .with_message(&diagnostic.message);

    // ariadne starts a new snippet whenever a label lies above the previous one, so labels
    // are added in source order to keep one snippet per file, the primary label's file first.
    let mut labels: Vec<(&super::Label, Color)> = vec![(primary, primary_color)];
    labels.extend(
        diagnostic
            .secondary
            .iter()
            .map(|label| (label, Color::Blue)),
    );
    let primary_file = primary.span.file;
    labels.sort_by_key(|(label, _)| {
        (
            label.span.file != primary_file,
            label.span.file,
            label.span.start,
        )
    });
    for (label, label_color) in labels {
        let mut ariadne_label = AriadneLabel::new((name_of(label.span), label.span.range()));
        if color {
            ariadne_label = ariadne_label.with_color(label_color);
        }
        if !label.message.is_empty() {
            ariadne_label = ariadne_label.with_message(&label.message);
        }
        report.add_label(ariadne_label);
    }
    for note in &diagnostic.notes {
        report.add_note(note);
    }
    if let Some(help) = &diagnostic.help {
        report.set_help(help);
    }

    let mut out = Vec::new();
    // Writing into a Vec cannot fail; a failure here means a span outside its file, which
    // the stages never produce, so fall back to a one-line rendering rather than panic.
    if report.finish().write(cache, &mut out).is_err() {
        return format!(
            "{}[{}]: {}\n",
            match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            diagnostic.code,
            diagnostic.message
        );
    }
    String::from_utf8_lossy(&out).into_owned()
}
