; Inno Setup 6 script for Ponder. packaging/build.py calls it as:
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\ponder /DIconFile=build\icons\ponder.ico /Odist packaging\windows\ponder.iss
; It installs per user by default (no admin prompt), adds a Start-menu entry, an optional
; desktop icon, "Open with Ponder" for .gguf files, and an uninstaller.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\ponder"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\ponder.ico"
#endif

[Setup]
AppId={{6C1B2E4A-7F3D-4C55-9A0E-5D2B7C1F9E42}
AppName=Ponder
AppVersion={#AppVersion}
AppPublisher=Ponder
DefaultDirName={autopf}\Ponder
DefaultGroupName=Ponder
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputBaseFilename=Ponder-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\ponder.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Ponder"; Filename: "{app}\ponder.exe"
Name: "{group}\Uninstall Ponder"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Ponder"; Filename: "{app}\ponder.exe"; Tasks: desktopicon

[Registry]
; "Open with Ponder" for .gguf files, without taking over the default program.
Root: HKA; Subkey: "Software\Classes\.gguf\OpenWithProgids"; ValueType: string; ValueName: "Ponder.gguf"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Ponder.gguf"; ValueType: string; ValueName: ""; ValueData: "GGUF language model"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Ponder.gguf\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\ponder.exe,0"
Root: HKA; Subkey: "Software\Classes\Ponder.gguf\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ponder.exe"" ""%1"""

[Run]
Filename: "{app}\ponder.exe"; Description: "{cm:LaunchProgram,Ponder}"; Flags: nowait postinstall skipifsilent
