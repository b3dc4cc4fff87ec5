package dev.hilnas.app.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one line a command's failure prints after {@code error: }. The JDK's file exceptions carry
 * only the path as their message ({@code error: /data/x.jsonl} says nothing of what went wrong), so
 * they are said in words here.
 */
final class ErrorMessage {
  private ErrorMessage() {}

  static String of(Throwable e) {
    if (e instanceof UncheckedIOException unchecked && unchecked.getCause() != null) {
      String cause = of(unchecked.getCause());
      String own = unchecked.getMessage();
      // the wrapper's message is often the cause's toString(); say it once
      return own == null || own.contains(cause) || own.endsWith(unchecked.getCause().toString())
          ? cause
          : own + ": " + cause;
    }
    if (e instanceof FileSystemException files) {
      String what;
      if (files instanceof NoSuchFileException) {
        what = "no such file or directory";
      } else if (files instanceof AccessDeniedException) {
        what = "permission denied";
      } else if (files instanceof FileAlreadyExistsException) {
        what = "already exists";
      } else if (files instanceof NotDirectoryException) {
        what = "not a directory";
      } else {
        what = files.getReason() != null ? files.getReason() : "cannot be used";
      }
      String file = files.getFile();
      return file == null ? what : file + ": " + what;
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
