; Inno Setup script for the Windows installer of station_app (村公共法律服务工作室).
; Build on a Windows PC, after the one-folder build (see docs/install-windows.md):
;   py installer\build.py app --out dist
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.3.0 installer\windows\station_app.iss
; Per-machine install under Program Files, a Chinese wizard (English offered), Start-menu and optional desktop
; shortcuts to the GUI (station-app-gui.exe, no console window). Uninstalling removes the program only: each
; user's data folder (%LOCALAPPDATA%\station_app) is never touched by the installer or the uninstaller.

#ifndef AppVersion
  #define AppVersion "0.3.0"
#endif
#define AppName "村公共法律服务工作室"
#define AppNameEn "Village Legal Service Station"
#define DistDir "..\..\dist\station-app"

[Setup]
AppId={{6B0F4E2C-8F5B-4C57-9B7A-2E0C1D6A3F21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=station_app
DefaultDirName={autopf}\station-app
DefaultGroupName={#AppName}
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=station-app-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\station-app.ico
UninstallDisplayIcon={app}\station-app-gui.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; A newer version installs over an older one in the same folder; the app migrates the data (backup first).
UsePreviousAppDir=yes
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\station-app-gui.exe"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\station-app-gui.exe"; Tasks: desktopicon

[Run]
; Township IT's check after installing: the self-test prints one line per check.
Filename: "{app}\station-app.exe"; Parameters: "selftest"; Description: "运行自检 / Run the self-test"; \
  Flags: postinstall skipifsilent nowait shellexec unchecked
Filename: "{app}\station-app-gui.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: postinstall skipifsilent nowait

[UninstallDelete]
; Only what the installer itself put in {app}; user data lives elsewhere and stays.
Type: filesandordirs; Name: "{app}\_internal"
